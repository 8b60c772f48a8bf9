using Topo.Core.Firewall;
using static Topo.Core.Tests.Firewall.ForeignListing;

namespace Topo.Core.Tests.Firewall;

/// <summary>The walk of one packet through one chain: where the chain sits decides what it sees.</summary>
public sealed class ChainPathTests
{
    private static readonly HashSet<string> Bridges = ["br-a"];

    private static readonly HookPacket Published = new("ip", "prerouting", null, "", New: true, Dnat: true) { Nat = new TopoNat(-100, Dnat: true) };

    private static PathVerdict Walk(Chain chain, HookPacket packet)
    {
        var table = Table("ip", "t", chain);
        return ChainPath.Walk(table, table.Chains[0], packet, Bridges).Verdict;
    }

    [Theory]
    [InlineData(-150, PathVerdict.Dropped)]    // before topo's DNAT: no dnat flag yet
    [InlineData(-100, PathVerdict.Unknown)]    // unordered
    [InlineData(0, PathVerdict.Accepted)]      // after it
    public void Ct_status_dnat_is_seen_only_after_topos_dnat(int priority, PathVerdict verdict) =>
        Assert.Equal(verdict, Walk(new Chain("c", "prerouting", "drop", [DnatAccept], Priority: priority), Published));

    [Fact]
    public void A_nat_chain_is_not_asked_about_replies_or_about_what_topo_bound_first()
    {
        var reply = new HookPacket("ip", "prerouting", null, "", New: false, Dnat: false);
        Assert.Equal(PathVerdict.Accepted, Walk(new Chain("c", "prerouting", "drop", [], Type: "nat", Priority: -200), reply));
        Assert.Equal(PathVerdict.Accepted, Walk(new Chain("c", "prerouting", "drop", [], Type: "nat", Priority: -50), Published));
        Assert.Equal(PathVerdict.Dropped, Walk(new Chain("c", "prerouting", "drop", [], Type: "nat", Priority: -200), Published));
    }

    [Fact]
    public void A_nat_statement_ends_a_nat_chain_as_an_accept_would()
    {
        var masquerade = """[{"match":{"op":"==","left":{"meta":{"key":"oifname"}},"right":"eth0"}},{"masquerade":null}]""";
        var outOnEth0 = new HookPacket("ip", "postrouting", "br-a", "eth0", New: true, Dnat: false);
        Assert.Equal(PathVerdict.Accepted, Walk(new Chain("c", "postrouting", "accept", [masquerade, Drop], Type: "nat", Priority: 50), outOnEth0));
        // The outside's name is not known: that masquerade might or might not apply.
        var outside = outOnEth0 with { Out = null };
        Assert.Equal(PathVerdict.Unknown, Walk(new Chain("c", "postrouting", "accept", [masquerade, Drop], Type: "nat", Priority: 50), outside));
    }

    [Fact]
    public void An_interface_not_known_at_all_matches_nothing_for_certain()
    {
        var local = new HookPacket("ip", "postrouting", HookPacket.Unknown, "br-a", New: true, Dnat: true);
        Assert.Equal(PathVerdict.Unknown, Walk(new Chain("c", "postrouting", "drop", [Iif("br-a")]), local));
        Assert.Equal(PathVerdict.Accepted, Walk(new Chain("c", "postrouting", "drop", [Oif("br-a")]), local));
        // No device at all (prerouting has no output device): oifname is empty, matched for certain.
        var pre = new HookPacket("ip", "prerouting", "br-a", "", New: true, Dnat: false);
        Assert.Equal(PathVerdict.Dropped, Walk(new Chain("c", "prerouting", "drop", [Oif("br-a")]), pre));
    }
}
