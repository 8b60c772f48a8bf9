using Topo.Core.Firewall;
using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Spec;
using Topo.Core.Tests.Support;
using static Topo.Core.Tests.Firewall.ForeignListing;

namespace Topo.Core.Tests.Firewall;

/// <summary>
/// The fix line names the tool that owns the dropping chain: a built-in chain of iptables-nft
/// (Docker 20.10's ip6 filter FORWARD, a plain <c>iptables -P FORWARD DROP</c>) gets the
/// iptables/ip6tables commands its owner uses, since nft rules there can hold what iptables cannot
/// read back; a chain written with nft keeps the nft line. Each fix, written into the chain as the
/// tool writes it (native expressions, with a counter), makes the finding go.
/// </summary>
public sealed class DropFixTests
{
    private static TopologyFile Spec() => new SpecBuilder("shop").Network("front").Publishing("web", "front", "8080:80").Build();

    private static string Front => Pipeline.Resolve(Spec()).FindNetwork("front")!.BridgeName!;

    private static PlanOutcome Plan(params ForeignTable[] tables) =>
        PlanBuilder.Build(Spec(), HostState.Empty with { ForeignFirewall = [.. tables] });

    /// <summary>How iptables-nft writes <c>-i NAME -j ACCEPT</c> (and -o, -p tcp --dport) into nftables: native matches, a counter.</summary>
    private static string Written(string key, string value) =>
        $$$"""[{"match":{"op":"==","left":{"meta":{"key":"{{{key}}}"}},"right":"{{{value}}}"}},{"counter":{"packets":0,"bytes":0}},{"accept":null}]""";

    private static string WrittenPort(int port) =>
        $$$"""[{"match":{"op":"==","left":{"payload":{"protocol":"tcp","field":"dport"}},"right":{{{port}}}}},{"counter":{"packets":0,"bytes":0}},{"accept":null}]""";

    [Fact]
    public void A_plain_iptables_forward_policy_drop_gets_iptables_commands_and_they_clear_it()
    {
        var error = Assert.Single(Plan(Table("ip", "filter", new Chain("FORWARD", "forward", "drop", []))).Errors);
        Assert.Equal(Severity.Error, error.Severity);
        Assert.EndsWith($"Fix (iptables): iptables -I FORWARD -i {Front} -j ACCEPT && iptables -I FORWARD -o {Front} -j ACCEPT", error.Message);
        Assert.True(Plan(Table("ip", "filter", new Chain("FORWARD", "forward", "drop", [Written("oifname", Front), Written("iifname", Front)]))).Succeeded);
    }

    [Fact]
    public void An_iptables_chain_of_another_table_names_the_table_and_takes_ports_one_by_one()
    {
        // iptables -t raw -P PREROUTING DROP: before topo's DNAT, a published port is still the host's.
        var raw = Table("ip", "raw", new Chain("PREROUTING", "prerouting", "drop", [Established, Iif(Front)], Priority: -300));
        var error = Assert.Single(Plan(raw).Errors).Message;
        Assert.EndsWith("Fix (iptables): iptables -t raw -I PREROUTING -p tcp --dport 8080 -j ACCEPT", error);
        Assert.True(Plan(Table("ip", "raw", new Chain("PREROUTING", "prerouting", "drop", [Established, Iif(Front), WrittenPort(8080)], Priority: -300))).Succeeded);
    }

    [Fact]
    public void A_chain_that_only_looks_like_iptables_keeps_the_nft_line()
    {
        // Lowercase (nft's own convention), or at another priority than iptables gives its chain: written with nft.
        var lower = Assert.Single(Plan(Table("ip", "filter", new Chain("forward", "forward", "drop", []))).Errors).Message;
        Assert.EndsWith($"Fix (nft): nft 'insert rule ip filter forward iifname {{ \"{Front}\" }} accept; insert rule ip filter forward oifname {{ \"{Front}\" }} accept'", lower);
        var moved = Assert.Single(Plan(Table("ip", "filter", new Chain("FORWARD", "forward", "drop", [], Priority: -5))).Errors).Message;
        Assert.Contains("Fix (nft): nft 'insert rule ip filter FORWARD iifname", moved);
        var other = Assert.Single(Plan(Table("ip", "hand", new Chain("FORWARD", "forward", "drop", []))).Errors).Message;
        Assert.Contains("Fix (nft): nft 'insert rule ip hand FORWARD", other);
    }
}
