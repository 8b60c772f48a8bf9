using Topo.Core.Firewall;
using Topo.Core.Tests.Spec;
using Topo.Core.Tests.Support;
using static Topo.Core.Tests.Firewall.FirewallTopologies;

namespace Topo.Core.Tests.Firewall;

public sealed class RulesetBuilderTests
{
    private const string TwoNetworks = """
        version: 1
        name: demo
        networks:
          front:
            subnet: 10.10.1.0/24
          back:
            subnet: 10.10.2.0/24
            masquerade: false
          vault:
            subnet: 10.10.3.0/24
            internal: true
          quiet:
            subnet: 10.10.4.0/24
            icc: false
            bridge_name: quiet0
        containers:
          web:
            networks: [front, back]
            ports:
              - "80:8080"
              - "127.0.0.1:8443:443/tcp"
              - "10.0.0.5:53:5353/udp"
          db:
            networks: [back, vault]
          box:
            networks: [quiet]
        """;

    [Fact]
    public void Table_is_per_project_in_family_ip_with_docker_like_base_chains()
    {
        var ruleset = Build(TwoNetworks);
        Assert.Equal("ip", ruleset.Family);
        Assert.Equal("topo-demo", ruleset.Table);
        Assert.Equal(
            ["raw-prerouting filter Prerouting -300", "nat-prerouting nat Prerouting -100", "nat-output nat Output -100",
             "nat-postrouting nat Postrouting 100", "filter-forward filter Forward 0"],
            ruleset.Chains.Select(c => $"{c.Name} {NftNames.Of(c.Type)} {c.Hook} {c.Priority}"));
        Assert.All(ruleset.Chains, c => Assert.Equal(ChainPolicy.Accept, c.Policy));
    }

    [Fact]
    public void Masquerade_for_traffic_leaving_the_subnet_unless_turned_off_or_internal()
    {
        var topology = Resolve(TwoNetworks);
        var ruleset = RulesetBuilder.Build(topology);
        var front = topology.Bridge("front");
        var rule = ruleset.Rule("masquerade network front");
        Assert.Equal("nat-postrouting", rule.Chain);
        Assert.Equal($"iifname \"{front}\" oifname != \"{front}\" ip saddr 10.10.1.0/24 masquerade", rule.Text);
        Assert.Null(ruleset.FindByDescription("masquerade network back"));   // masquerade: false
        Assert.Null(ruleset.FindByDescription("masquerade network vault"));  // internal
        Assert.NotNull(ruleset.FindByDescription("masquerade network quiet"));
    }

    [Fact]
    public void Internal_network_gets_no_forwarding_in_or_out_and_no_isolation_or_masquerade_rules()
    {
        var topology = Resolve(TwoNetworks);
        var ruleset = RulesetBuilder.Build(topology);
        var vault = topology.Bridge("vault");
        Assert.Equal($"iifname \"{vault}\" oifname != \"{vault}\" drop", ruleset.Rule("internal network vault: no forwarding out").Text);
        Assert.Equal($"oifname \"{vault}\" iifname != \"{vault}\" drop", ruleset.Rule("internal network vault: no forwarding in").Text);
        // Before "established": turning a network internal cuts its existing connections too.
        var comments = ruleset.Rules.Select(FirewallTopologies.Describe).ToList();
        Assert.True(comments.IndexOf("internal network vault: no forwarding out") < comments.IndexOf("allow established and related"));
        Assert.DoesNotContain(ruleset.Rules.Select(FirewallTopologies.Describe), d => d.EndsWith("network vault", StringComparison.Ordinal) && !d.StartsWith("internal", StringComparison.Ordinal));
    }

    [Fact]
    public void Icc_off_drops_routing_from_the_bridge_back_into_it()
    {
        var topology = Resolve(TwoNetworks);
        var ruleset = RulesetBuilder.Build(topology);
        Assert.Equal("quiet0", topology.Bridge("quiet"));
        Assert.Equal("iifname \"quiet0\" oifname \"quiet0\" drop", ruleset.Rule("icc off network quiet").Text);
        Assert.Null(ruleset.FindByDescription("icc off network front"));
    }

    [Fact]
    public void Isolation_drops_towards_every_other_bridge_and_direct_routing_into_the_network()
    {
        var topology = Resolve(TwoNetworks);
        var ruleset = RulesetBuilder.Build(topology);
        var front = topology.Bridge("front");
        var back = topology.Bridge("back");
        Assert.Equal($"iifname \"{front}\" oifname {{ \"br-*\", \"quiet0\", \"topo0\" }} oifname != \"{front}\" drop",
            ruleset.Rule("isolate network front").Text);
        Assert.Equal($"oifname \"{back}\" iifname != \"{back}\" ct status ! dnat drop", ruleset.Rule("no direct routing into network back").Text);
        // Allowed traffic comes first: replies and published ports pass before isolation drops.
        var comments = ruleset.Rules.Where(r => r.Chain == "filter-forward").Select(FirewallTopologies.Describe).ToList();
        Assert.True(comments.IndexOf("allow established and related") < comments.IndexOf("isolate network front"));
        Assert.True(comments.IndexOf("allow 0.0.0.0:80/tcp to web:8080") < comments.IndexOf("no direct routing into network front"));
    }

    [Fact]
    public void Port_on_all_addresses_is_dnated_from_outside_containers_and_the_host_and_allowed_through()
    {
        var topology = Resolve(TwoNetworks);
        var ruleset = RulesetBuilder.Build(topology);
        var web = topology.Containers.Single(c => c.Name == "web").Endpoints.Single(e => e.Network == "front").Address;
        var front = topology.Bridge("front");

        var prerouting = ruleset.Rule("publish 0.0.0.0:80/tcp to web:8080");
        Assert.Equal("nat-prerouting", prerouting.Chain);
        Assert.Equal($"fib daddr type local tcp dport 80 dnat to {web}:8080", prerouting.Text);
        var output = ruleset.Rule("publish 0.0.0.0:80/tcp to web:8080 from host");
        Assert.Equal("nat-output", output.Chain);
        Assert.Equal(prerouting.Text, output.Text);
        Assert.Equal($"oifname \"{front}\" ip daddr {web} tcp dport 8080 ct status dnat accept", ruleset.Rule("allow 0.0.0.0:80/tcp to web:8080").Text);
        Assert.Equal($"iifname \"{front}\" oifname \"{front}\" ct status dnat masquerade", ruleset.Rule("hairpin network front").Text);
    }

    [Fact]
    public void Port_on_127_0_0_1_is_only_dnated_for_the_host_and_needs_route_localnet_with_a_guard()
    {
        var topology = Resolve(TwoNetworks);
        var ruleset = RulesetBuilder.Build(topology);
        var front = topology.Bridge("front");
        var web = topology.Containers.Single(c => c.Name == "web").Endpoints.Single(e => e.Network == "front").Address;

        Assert.Null(ruleset.FindByDescription("publish 127.0.0.1:8443/tcp to web:443"));
        Assert.Equal($"ip daddr 127.0.0.1 tcp dport 8443 dnat to {web}:443", ruleset.Rule("publish 127.0.0.1:8443/tcp to web:443 from host").Text);
        Assert.Equal($"oifname \"{front}\" ip saddr 127.0.0.0/8 masquerade", ruleset.Rule("masquerade loopback to network front").Text);
        Assert.Equal($"iifname \"{front}\" ip daddr 127.0.0.0/8 drop", ruleset.Rule("loopback guard network front").Text);
        Assert.Equal(
            [("net.ipv4.ip_forward", "1"), ($"net.ipv4.conf.{front}.route_localnet", "1")],
            ruleset.RequiredSysctls);
    }

    [Fact]
    public void Udp_port_on_a_given_host_address_matches_that_address()
    {
        var ruleset = Build(TwoNetworks);
        var rule = ruleset.Rule("publish 10.0.0.5:53/udp to web:5353");
        Assert.StartsWith("ip daddr 10.0.0.5 udp dport 53 dnat to ", rule.Text);
        Assert.EndsWith(":5353", rule.Text);
        Assert.Contains("udp dport 5353 ct status dnat accept", ruleset.Rule("allow 10.0.0.5:53/udp to web:5353").Text);
    }

    [Fact]
    public void Published_port_goes_to_the_default_route_network()
    {
        var topology = Resolve("""
            version: 1
            name: demo
            networks:
              a: {subnet: 10.20.1.0/24}
              b: {subnet: 10.20.2.0/24}
            containers:
              web:
                networks:
                  a: {}
                  b: {gw_priority: 10}
                ports: ["80:80"]
            """);
        var b = topology.Containers.Single().Endpoints.Single(e => e.Network == "b");
        Assert.True(b.DefaultRoute);
        var ruleset = RulesetBuilder.Build(topology);
        Assert.EndsWith($"dnat to {b.Address}:80", ruleset.Rule("publish 0.0.0.0:80/tcp to web:80").Text);
        Assert.NotNull(ruleset.FindByDescription("hairpin network b"));
        Assert.Null(ruleset.FindByDescription("hairpin network a"));
    }

    [Fact]
    public void Comments_are_unique_and_the_build_is_deterministic()
    {
        var first = Build(TwoNetworks);
        var second = Build(TwoNetworks);
        Assert.Equal(first, second);
        Assert.Equal(first.Rules.Length, first.Rules.Select(r => r.Comment).Distinct().Count());
    }

    [Fact]
    public void Nothing_to_do_without_bridges()
    {
        var ruleset = Build("""
            version: 1
            name: solo
            containers:
              h: {network_mode: host}
            """);
        Assert.Empty(ruleset.Rules);
        Assert.Empty(ruleset.RequiredSysctls);
        Assert.Equal("topo-solo", ruleset.Table);
    }

    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(RepoPaths.Examples, "*.yaml").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileNameWithoutExtension(f));
        return data;
    }

    /// <summary>Snapshot of each example's table (nft syntax) and the sysctls it needs.</summary>
    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_rulesets_match_their_golden_files(string example)
    {
        var ruleset = Build(File.ReadAllText(Path.Combine(RepoPaths.Examples, example + ".yaml")));
        var text = ruleset.ToText() + string.Concat(ruleset.RequiredSysctls.Select(s => $"# sysctl {s.Key}={s.Value}\n"));
        Golden.Verify($"firewall/{example}.nft", text);
    }
}
