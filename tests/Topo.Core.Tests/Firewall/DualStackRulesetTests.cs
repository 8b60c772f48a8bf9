using Topo.Core.Addressing;
using Topo.Core.Firewall;
using Topo.Core.Resolution;
using static Topo.Core.Tests.Firewall.FirewallTopologies;

namespace Topo.Core.Tests.Firewall;

/// <summary>
/// The table's IPv6 half, on topologies given IPv6 by hand (what the resolver fills in for
/// <c>enable_ipv6</c>): the same skeleton, elements in the IPv6 twins of the address sets.
/// </summary>
public sealed class DualStackRulesetTests
{
    private const string Yaml = """
        version: 1
        name: dual
        networks:
          front: {subnet: 10.10.1.0/24}
          back: {subnet: 10.10.2.0/24, masquerade: false}
          vault: {subnet: 10.10.3.0/24, internal: true}
        containers:
          web:
            networks: [front]
            ports: ["80:8080", "127.0.0.1:8443:443", "9000-9002:9000-9002", "5353:53/udp"]
          db: {networks: [back, vault]}
        """;

    /// <summary>Each network with an IPv6 subnet (gateway ::1), each of its endpoints ::2, ::3, … in order.</summary>
    internal static Topology WithIpv6(Topology topology, params (string Network, string Subnet)[] subnets)
    {
        var bySubnet = subnets.ToDictionary(s => s.Network, s => Ipv6Prefix.Parse(s.Subnet));
        var next = bySubnet.ToDictionary(kv => kv.Key, _ => (UInt128)2);
        return topology with
        {
            Networks = [.. topology.Networks.Select(n => bySubnet.TryGetValue(n.Name, out var s)
                ? n with { Ipv6Subnet = s, Ipv6Gateway = s.Network.Address.Add(1) } : n)],
            Containers = [.. topology.Containers.Select(c => c with
            {
                Endpoints = [.. c.Endpoints.Select(e => bySubnet.TryGetValue(e.Network, out var s)
                    ? e with { Ipv6Address = s.Network.Address.Add(next[e.Network]++) } : e)],
            })],
        };
    }

    private static Topology Dual() => WithIpv6(Resolve(Yaml), ("front", "fd00:1::/64"), ("back", "fd00:2::/64"), ("vault", "fd00:3::/64"));

    [Fact]
    public void One_inet_table_has_the_same_skeleton_with_or_without_ipv6()
    {
        var v4 = RulesetBuilder.Build(Resolve(Yaml));
        var dual = RulesetBuilder.Build(Dual());
        Assert.Equal("inet", dual.Family);
        Assert.True(v4.SameSkeleton(dual));
        Assert.Equal(23, dual.Rules.Length);
        Assert.DoesNotContain(v4.Elements, e => e.Set.EndsWith('6'));
    }

    [Fact]
    public void The_ipv6_subnet_is_masqueraded_unless_masquerade_is_off_or_the_network_internal()
    {
        var topology = Dual();
        var ruleset = RulesetBuilder.Build(topology);
        Assert.Equal([$"\"{topology.Bridge("front")}\" . fd00:1::/64"], ruleset.Elements(FirewallSets.Masquerade6));
        Assert.Equal("iifname . ip6 saddr @masquerading6 iifname . oifname != @same-bridge masquerade", ruleset.Rule("masquerade (IPv6)").Text);
        Assert.Contains(("net.ipv6.conf.all.forwarding", "1"), ruleset.RequiredSysctls);
        Assert.DoesNotContain(("net.ipv6.conf.all.forwarding", "1"), RulesetBuilder.Build(Resolve(Yaml)).RequiredSysctls);
    }

    [Fact]
    public void A_port_without_host_address_is_published_on_both_families_one_on_an_ipv4_address_on_ipv4_only()
    {
        var ruleset = RulesetBuilder.Build(Dual());
        Assert.Equal(["tcp . ::/0 . 80 : fd00:1::2 . 8080", "udp . ::/0 . 5353 : fd00:1::2 . 53"], ruleset.Elements(FirewallSets.Publish6));
        Assert.Equal("topo:dual:container:web publish [::]:80/tcp to web:8080", ruleset.Element(FirewallSets.Publish6, "tcp . ::/0 . 80").Comment);
        Assert.Equal(["tcp . ::/0 . 9000-9002 : fd00:1::2"], ruleset.Elements(FirewallSets.PublishRange6));
        // 127.0.0.1:8443 stays IPv4: it is in publish, and the container port 443 is allowed through for IPv4 only.
        Assert.Contains("tcp . 127.0.0.1 . 8443 : 10.10.1.2 . 443", ruleset.Elements(FirewallSets.Publish));
        Assert.Equal(["fd00:1::2 . tcp . 8080", "fd00:1::2 . tcp . 9000-9002", "fd00:1::2 . udp . 53"], ruleset.Elements(FirewallSets.Published6));
        Assert.Equal(["fd00:1::2 . fd00:1::2"], ruleset.Elements(FirewallSets.HairpinSelf6));
        // A container without an IPv6 address publishes on IPv4 only.
        Assert.Empty(RulesetBuilder.Build(Resolve(Yaml)).Elements(FirewallSets.Publish6));
    }

    [Fact]
    public void The_ipv6_twins_dnat_allow_and_masquerade_by_ip6_addresses()
    {
        var ruleset = RulesetBuilder.Build(Dual());
        Assert.Equal("fib daddr type local meta l4proto { tcp, udp } dnat ip6 to meta l4proto . ip6 daddr . th dport map @publish6",
            ruleset.Rule("published ports (IPv6)").Text);
        // ::1 cannot be DNATed out of the host (no route_localnet for IPv6).
        Assert.Equal("fib daddr type local ip6 daddr != ::1 meta l4proto { tcp, udp } dnat ip6 to meta l4proto . ip6 daddr . th dport map @publish-range6",
            ruleset.Rule("published port ranges, from the host (IPv6)").Text);
        Assert.Equal("ct status dnat ip6 daddr . meta l4proto . th dport @published6 accept", ruleset.Rule("allow published ports (IPv6)").Text);
        Assert.Equal("ip6 saddr . ip6 daddr @hairpin-self6 ct status dnat masquerade", ruleset.Rule("hairpin to itself (IPv6)").Text);
        // In an inet table nft says which family a dnat rewrites, for IPv4 too.
        Assert.Equal("fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto { tcp, udp } dnat ip to meta l4proto . ip daddr . th dport map @publish-range",
            ruleset.Rule("published port ranges").Text);
    }
}
