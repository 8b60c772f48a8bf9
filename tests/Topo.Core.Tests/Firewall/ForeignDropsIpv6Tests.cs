using Topo.Core.Firewall;
using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Resolution;
using Topo.Core.Spec;
using Topo.Core.Tests.Support;
using static Topo.Core.Tests.Firewall.ForeignListing;

namespace Topo.Core.Tests.Firewall;

/// <summary>
/// IPv6 traffic of a network with IPv6 passes ip6 and inet tables. A drop there that only IPv6
/// meets (Docker 20.10's ip6 filter FORWARD policy DROP, which has no DOCKER-USER) is a warning:
/// the plan goes on, IPv4 works. A drop IPv4 meets too stays an error.
/// </summary>
public sealed class ForeignDropsIpv6Tests
{
    private static Topology Topology(bool ipv6)
    {
        var topology = Pipeline.Resolve(new SpecBuilder("shop").Network("front").Publishing("web", "front", "8080:80").Build());
        return ipv6 ? DualStackRulesetTests.WithIpv6(topology, ("front", "fd00:1::/64")) : topology;
    }

    private static List<Diagnostic> Findings(Topology topology, ForeignTable table) =>
        [.. ForeignDrops.Check(topology, HostState.Empty with { ForeignFirewall = [table] })];

    private const string DualStackYaml = """
        version: 1
        name: shop
        networks:
          front: {enable_ipv6: true, subnet: [10.50.0.0/24, "fd00:50::/64"]}
        containers:
          web: {networks: [front], ports: ["8080:80"]}
        """;

    private static PlanOutcome PlanDualStack(ForeignTable table)
    {
        var loaded = SpecLoader.Parse(DualStackYaml, "shop.yaml");
        Assert.False(loaded.HasErrors, string.Join("\n", loaded.Diagnostics));
        return PlanBuilder.Build(loaded.File!, HostState.Empty with { ForeignFirewall = [table] });
    }

    [Fact]
    public void An_ip6_forward_policy_drop_is_a_warning_for_a_network_with_ipv6_and_nothing_without()
    {
        var table = Table("ip6", "filter", new Chain("FORWARD", "forward", "drop", []));
        var topology = Topology(ipv6: true);
        var front = topology.FindNetwork("front")!.BridgeName;
        var warning = Assert.Single(Findings(topology, table));
        Assert.Equal(Severity.Warning, warning.Severity);
        Assert.StartsWith("table ip6 filter, chain FORWARD (hook forward, priority 0, policy drop) drops topo's IPv6 traffic by its policy drop", warning.Message);
        Assert.Contains($"connections from containers on {front} out over IPv6", warning.Message);
        Assert.Contains("IPv4 is not affected", warning.Message);
        // The chain is ip6tables' (iptables-nft): its owner's command, not an nft rule it cannot read back.
        Assert.EndsWith($"Fix (ip6tables): ip6tables -I FORWARD -i {front} -j ACCEPT && ip6tables -I FORWARD -o {front} -j ACCEPT", warning.Message);
        // Its accepts make it pass; an IPv4-only network sends nothing through ip6.
        Assert.Empty(Findings(topology, Table("ip6", "filter", new Chain("FORWARD", "forward", "drop", [Iif(front!), Oif(front!)]))));
        Assert.Empty(Findings(Topology(ipv6: false), table));
    }

    [Fact]
    public void An_inet_chain_that_accepts_only_ipv4_drops_the_ipv6_half_with_a_warning()
    {
        const string Ipv4Only = """[{"match":{"op":"==","left":{"meta":{"key":"nfproto"}},"right":"ipv4"}},{"accept":null}]""";
        var table = Table("inet", "hand", new Chain("forward", "forward", "drop", [Ipv4Only]));
        Assert.Empty(Findings(Topology(ipv6: false), table));
        var warning = Assert.Single(Findings(Topology(ipv6: true), table));
        Assert.Equal(Severity.Warning, warning.Severity);
        Assert.Contains("out over IPv6", warning.Message);
        Assert.DoesNotContain("out;", warning.Message);   // the IPv4 classes pass
    }

    [Fact]
    public void A_drop_both_families_meet_stays_one_error_naming_both()
    {
        var finding = Assert.Single(Findings(Topology(ipv6: true), Table("inet", "hand", new Chain("forward", "forward", "drop", []))));
        Assert.Equal(Severity.Error, finding.Severity);
        Assert.StartsWith("table inet hand, chain forward (hook forward, priority 0, policy drop) drops topo's traffic by its policy drop", finding.Message);
        Assert.Contains(" out;", finding.Message);
        Assert.Contains("out over IPv6", finding.Message);
    }

    [Fact]
    public void The_plan_comes_with_the_ipv6_warning_and_without_a_plan_for_an_ipv4_drop()
    {
        var warned = PlanDualStack(Table("ip6", "filter", new Chain("FORWARD", "forward", "drop", [])));
        Assert.True(warned.Succeeded, string.Join("\n", warned.Errors));
        Assert.NotNull(warned.Plan);
        Assert.False(warned.Plan!.IsEmpty);
        Assert.Equal(Severity.Warning, Assert.Single(warned.Errors).Severity);

        var refused = PlanDualStack(Table("ip", "hand", new Chain("forward", "forward", "drop", [])));
        Assert.False(refused.Succeeded);
        Assert.Null(refused.Plan);
        Assert.Equal(Severity.Error, Assert.Single(refused.Errors).Severity);
    }
}
