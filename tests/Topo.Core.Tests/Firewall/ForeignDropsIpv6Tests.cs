using Topo.Core.Firewall;
using Topo.Core.Model;
using Topo.Core.Resolution;
using Topo.Core.Tests.Support;
using static Topo.Core.Tests.Firewall.ForeignListing;

namespace Topo.Core.Tests.Firewall;

/// <summary>
/// IPv6 traffic of a network with IPv6 passes ip6 and inet tables: a drop there (Docker 20.10's ip6
/// filter FORWARD policy DROP, which has no DOCKER-USER) is an error as for IPv4.
/// </summary>
public sealed class ForeignDropsIpv6Tests
{
    private static Topology Topology(bool ipv6)
    {
        var topology = Pipeline.Resolve(new SpecBuilder("shop").Network("front").Publishing("web", "front", "8080:80").Build());
        return ipv6 ? DualStackRulesetTests.WithIpv6(topology, ("front", "fd00:1::/64")) : topology;
    }

    private static List<string> Errors(Topology topology, ForeignTable table) =>
        [.. ForeignDrops.Check(topology, HostState.Empty with { ForeignFirewall = [table] }).Select(d => d.Message)];

    [Fact]
    public void An_ip6_forward_policy_drop_is_an_error_for_a_network_with_ipv6_and_none_without()
    {
        var table = Table("ip6", "filter", new Chain("FORWARD", "forward", "drop", []));
        var topology = Topology(ipv6: true);
        var front = topology.FindNetwork("front")!.BridgeName;
        var error = Assert.Single(Errors(topology, table));
        Assert.StartsWith("table ip6 filter, chain FORWARD (hook forward, priority 0, policy drop) drops topo's traffic by its policy drop", error);
        Assert.Contains($"connections from containers on {front} out over IPv6", error);
        Assert.EndsWith($"nft 'insert rule ip6 filter FORWARD iifname {{ \"{front}\" }} accept; insert rule ip6 filter FORWARD oifname {{ \"{front}\" }} accept'", error);
        // Its accepts make it pass; an IPv4-only network sends nothing through ip6.
        Assert.Empty(Errors(topology, Table("ip6", "filter", new Chain("FORWARD", "forward", "drop", [Iif(front!), Oif(front!)]))));
        Assert.Empty(Errors(Topology(ipv6: false), table));
    }

    [Fact]
    public void An_inet_chain_that_accepts_only_ipv4_drops_the_ipv6_half()
    {
        const string Ipv4Only = """[{"match":{"op":"==","left":{"meta":{"key":"nfproto"}},"right":"ipv4"}},{"accept":null}]""";
        var table = Table("inet", "hand", new Chain("forward", "forward", "drop", [Ipv4Only]));
        Assert.Empty(Errors(Topology(ipv6: false), table));
        var error = Assert.Single(Errors(Topology(ipv6: true), table));
        Assert.Contains("out over IPv6", error);
        Assert.DoesNotContain("out;", error);   // the IPv4 classes pass
    }
}
