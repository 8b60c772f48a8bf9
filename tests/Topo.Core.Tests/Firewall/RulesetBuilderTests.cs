using System.Text;
using Topo.Core.Composition;
using Topo.Core.Addressing;
using Topo.Core.Model;
using Topo.Core.Resolution;
using Topo.Core.Spec;
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
    public void Table_is_per_project_in_family_inet_with_docker_like_base_chains()
    {
        var ruleset = Build(TwoNetworks);
        Assert.Equal("inet", ruleset.Family);
        Assert.Equal("topo-demo", ruleset.Table);
        Assert.Equal(
            ["raw-prerouting filter Prerouting -300", "nat-prerouting nat Prerouting -100", "nat-output nat Output -100",
             "nat-postrouting nat Postrouting 100", "filter-forward filter Forward 0"],
            ruleset.Chains.Select(c => $"{c.Name} {NftNames.Of(c.Type)} {c.Hook} {c.Priority}"));
        Assert.All(ruleset.Chains, c => Assert.Equal(ChainPolicy.Accept, c.Policy));
    }

    /// <summary>
    /// The point of the sets: a topology of 300 containers publishing a port each has exactly the
    /// rules of one with a single container; what grows is elements.
    /// </summary>
    [Fact]
    public void The_rules_stay_the_same_however_many_containers_and_ports_there_are()
    {
        static string Spec(int containers)
        {
            var yaml = new StringBuilder("version: 1\nname: big\nnetworks:\n  a: {subnet: 10.50.0.0/16}\n  b: {subnet: 10.51.0.0/16, icc: false}\ncontainers:\n");
            for (var i = 0; i < containers; i++)
                yaml.Append($"  c{i}: {{networks: [{(i % 2 == 0 ? "a" : "b")}], ports: [\"{10000 + i}:80\"]}}\n");
            return yaml.ToString();
        }
        var one = Build(Spec(1));
        var many = Build(Spec(300));
        Assert.Equal(one.Rules, many.Rules);
        Assert.Equal(one.Sets, many.Sets);
        Assert.Equal(23, many.Rules.Length);
        Assert.Equal(300, many.Elements(FirewallSets.Publish).Count);
        Assert.Equal(300, many.Elements(FirewallSets.Published).Count);
        Assert.Equal(300, many.Elements(FirewallSets.HairpinSelf).Count);
    }

    [Fact]
    public void Every_bridge_is_in_the_sets_of_its_role()
    {
        var topology = Resolve(TwoNetworks);
        var ruleset = RulesetBuilder.Build(topology);
        var (front, back, vault) = (topology.Bridge("front"), topology.Bridge("back"), topology.Bridge("vault"));
        Assert.Equal(Sorted($"\"{back}\" . \"{back}\"", $"\"{front}\" . \"{front}\"", $"\"{vault}\" . \"{vault}\"", "\"quiet0\" . \"quiet0\""),
            ruleset.Elements(FirewallSets.SameBridge));
        Assert.Equal([$"\"{vault}\""], ruleset.Elements(FirewallSets.Internal));
        Assert.Equal(Sorted($"\"{back}\"", $"\"{front}\"", "\"quiet0\""), ruleset.Elements(FirewallSets.External));
        Assert.Equal(["\"quiet0\""], ruleset.Elements(FirewallSets.IccOff));
        // Masquerade unless turned off (back) or internal (vault).
        Assert.Equal(Sorted($"\"{front}\" . 10.10.1.0/24", "\"quiet0\" . 10.10.4.0/24"), ruleset.Elements(FirewallSets.Masquerade));
        // Isolation matches bridges by kind, not by name: no host, no uplink bridge to spare.
        Assert.Empty(ruleset.Elements(FirewallSets.UplinkBridges));
        Assert.Equal("topo:demo:network:quiet icc off", ruleset.Element(FirewallSets.IccOff, "\"quiet0\"").Comment);
    }

    /// <summary>
    /// A bridge not topo's that carries the host's default route (the NIC bridged for VMs) is the
    /// way out, spared by isolation; another foreign bridge (docker0) and a route without a gateway
    /// through a bridge are not.
    /// </summary>
    [Fact]
    public void Only_a_foreign_bridge_with_a_route_through_a_gateway_is_an_uplink()
    {
        var loaded = SpecLoader.Parse(TwoNetworks, "test.yaml");
        var observed = HostState.Empty with
        {
            Links = [new LinkState(HostState.Host, "br0", LinkKind.Bridge), new LinkState(HostState.Host, "docker0", LinkKind.Bridge),
                     new LinkState(HostState.Host, "eth0", LinkKind.Other) { Master = "br0" }],
            Routes = [new RouteState(HostState.Host, Ipv4Prefix.Parse("0.0.0.0/0")) { Gateway = Ipv4Address.Parse("192.0.2.1"), Device = "br0" },
                      new RouteState(HostState.Host, Ipv4Prefix.Parse("198.51.100.0/24")) { Device = "docker0" }],
        };
        var topology = DesiredHost.Resolve(loaded.File!, observed, new ResolveOptions { AssumeParentsExist = true }).Topology!;
        Assert.Equal(["br0"], topology.UplinkBridges);
        var ruleset = RulesetBuilder.Build(topology);
        Assert.Equal(["\"br0\""], ruleset.Elements(FirewallSets.UplinkBridges));
        Assert.Equal("topo:demo:firewall:demo the host's way out", ruleset.Element(FirewallSets.UplinkBridges, "\"br0\"").Comment);
    }

    private static List<string> Sorted(params string[] items) => [.. items.Order(StringComparer.Ordinal)];

    [Fact]
    public void Rules_look_bridges_up_in_the_sets_and_keep_each_hook_in_order()
    {
        var ruleset = Build(TwoNetworks);
        Assert.Equal("iifname . ip saddr @masquerading iifname . oifname != @same-bridge masquerade", ruleset.Rule("masquerade").Text);
        Assert.Equal("iifname @internal iifname . oifname != @same-bridge drop", ruleset.Rule("internal: no forwarding out").Text);
        Assert.Equal("oifname @internal iifname . oifname != @same-bridge drop", ruleset.Rule("internal: no forwarding in").Text);
        Assert.Equal("iifname @icc-off iifname . oifname @same-bridge drop", ruleset.Rule("icc off").Text);
        Assert.Equal("iifname @external meta oifkind \"bridge\" oifname != @uplink-bridges iifname . oifname != @same-bridge drop",
            ruleset.Rule("isolate").Text);
        Assert.Equal("oifname @external iifname . oifname != @same-bridge ct status ! dnat drop", ruleset.Rule("no direct routing in").Text);
        // Internal first (making a network internal cuts its open connections), then what is
        // allowed (replies, published ports), then the drops of isolation and ICC.
        var forward = ruleset.Rules.Where(r => r.Chain == RulesetBuilder.FilterForward).Select(r => r.Comment[(r.Comment.IndexOf(' ') + 1)..]).ToList();
        Assert.Equal(["internal: no forwarding out", "internal: no forwarding in", "allow established and related", "allow published ports",
                      "allow published ports (IPv6)", "icc off", "isolate", "no direct routing in"], forward);
    }

    [Fact]
    public void A_port_on_all_addresses_is_one_map_element_dnated_from_outside_containers_and_the_host()
    {
        var topology = Resolve(TwoNetworks);
        var ruleset = RulesetBuilder.Build(topology);
        var web = topology.Containers.Single(c => c.Name == "web").Endpoints.Single(e => e.Network == "front").Address;

        var element = ruleset.Element(FirewallSets.Publish, "tcp . 0.0.0.0/0 . 80");
        Assert.Equal($"{web} . 8080", element.ValueText);
        Assert.Equal("topo:demo:container:web publish 0.0.0.0:80/tcp to web:8080", element.Comment);
        Assert.Equal("fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto { tcp, udp } dnat ip to meta l4proto . ip daddr . th dport map @publish",
            ruleset.Rule("published ports").Text);
        Assert.Equal("fib daddr type local meta l4proto { tcp, udp } dnat ip to meta l4proto . ip daddr . th dport map @publish",
            ruleset.Rule("published ports, from the host").Text);
        // Allowed through the forward drops: DNATed, to the container's port.
        Assert.Contains($"{web} . tcp . 8080", ruleset.Elements(FirewallSets.Published));
        Assert.Equal("ct status dnat ip daddr . meta l4proto . th dport @published accept", ruleset.Rule("allow published ports").Text);
        // Reaching its own port through a host address is masqueraded.
        Assert.Equal([$"{web} . {web}"], ruleset.Elements(FirewallSets.HairpinSelf));
        Assert.Equal("ip saddr . ip daddr @hairpin-self ct status dnat masquerade", ruleset.Rule("hairpin to itself").Text);
    }

    [Fact]
    public void A_port_on_127_0_0_1_is_left_out_of_prerouting_and_needs_route_localnet_with_a_guard()
    {
        var topology = Resolve(TwoNetworks);
        var ruleset = RulesetBuilder.Build(topology);
        var front = topology.Bridge("front");
        Assert.Equal("topo:demo:container:web publish 127.0.0.1:8443/tcp to web:443",
            ruleset.Element(FirewallSets.Publish, "tcp . 127.0.0.1 . 8443").Comment);
        Assert.Contains("ip daddr != 127.0.0.0/8", ruleset.Rule("published ports").Text);
        Assert.Equal([$"\"{front}\""], ruleset.Elements(FirewallSets.Localnet));
        Assert.Equal("oifname @localnet ip saddr 127.0.0.0/8 masquerade", ruleset.Rule("masquerade loopback").Text);
        Assert.Equal("iifname @localnet ip daddr 127.0.0.0/8 drop", ruleset.Rule("loopback guard").Text);
        Assert.Equal([("net.ipv4.ip_forward", "1"), ($"net.ipv4.conf.{front}.route_localnet", "1")], ruleset.RequiredSysctls);
    }

    [Fact]
    public void A_udp_port_on_a_given_host_address_is_keyed_by_that_address()
    {
        var ruleset = Build(TwoNetworks);
        var element = ruleset.Element(FirewallSets.Publish, "udp . 10.0.0.5 . 53");
        Assert.EndsWith(" . 5353", element.ValueText);
        Assert.Contains(ruleset.Elements(FirewallSets.Published), e => e.EndsWith(" . udp . 5353", StringComparison.Ordinal));
    }

    [Fact]
    public void A_range_on_the_same_ports_is_one_element_and_a_shifted_one_an_element_per_port()
    {
        var topology = Resolve("""
            version: 1
            name: ranges
            containers:
              web:
                ports: ["8000-8100:8000-8100", "9000-9002:7000-7002/udp", "8200:8050", "8201:80"]
            """);
        var ruleset = RulesetBuilder.Build(topology);
        var web = topology.Containers.Single().Endpoints.Single().Address;
        Assert.Equal([$"tcp . 0.0.0.0/0 . 8000-8100 : {web}"], ruleset.Elements(FirewallSets.PublishRange));
        Assert.Equal("topo:ranges:container:web publish 0.0.0.0:8000-8100/tcp to web:8000-8100",
            ruleset.Element(FirewallSets.PublishRange, "tcp . 0.0.0.0/0 . 8000-8100").Comment);
        // DNAT keeps the port: the range map gives the address only.
        Assert.Equal("fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto { tcp, udp } dnat ip to meta l4proto . ip daddr . th dport map @publish-range",
            ruleset.Rule("published port ranges").Text);
        Assert.Equal(
            [$"udp . 0.0.0.0/0 . 9000 : {web} . 7000", $"udp . 0.0.0.0/0 . 9001 : {web} . 7001", $"udp . 0.0.0.0/0 . 9002 : {web} . 7002"],
            ruleset.Elements(FirewallSets.Publish).Where(e => e.StartsWith("udp", StringComparison.Ordinal)));
        // The container's ports allowed through, overlapping ranges as one (an interval set refuses overlaps).
        Assert.Equal($"{web} . 8050", ruleset.Element(FirewallSets.Publish, "tcp . 0.0.0.0/0 . 8200").ValueText);
        Assert.Equal([$"{web} . tcp . 80", $"{web} . tcp . 8000-8100", $"{web} . udp . 7000-7002"], ruleset.Elements(FirewallSets.Published));
    }

    [Fact]
    public void Published_ports_go_to_the_default_route_network()
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
        Assert.Equal($"{b.Address} . 80", ruleset.Element(FirewallSets.Publish, "tcp . 0.0.0.0/0 . 80").ValueText);
        // ... and that endpoint's bridge port is the one in hairpin mode.
        Assert.Equal([(topology.Bridge("a"), false), (topology.Bridge("b"), true)],
            topology.Desired.Links.Where(l => l.Namespace == "" && l.Master is not null).OrderBy(l => l.Master).Select(l => (l.Master!, l.Hairpin == true)));
    }

    [Fact]
    public void Element_keys_are_unique_and_the_build_is_deterministic()
    {
        var first = Build(TwoNetworks);
        var second = Build(TwoNetworks);
        Assert.Equal(first, second);
        Assert.Equal(first.Elements.Length, first.Elements.Select(e => (e.Set, e.Key)).Distinct().Count());
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
        Assert.Empty(ruleset.Elements);
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
