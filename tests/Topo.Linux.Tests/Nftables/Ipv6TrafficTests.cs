using System.Diagnostics;
using Topo.Core.Addressing;
using Topo.Core.Firewall;
using Topo.Core.Resolution;
using Topo.Linux.Nftables;
using SandboxWorld = Topo.Linux.Tests.Sandbox.Sandbox;
using static Topo.Linux.Tests.Nftables.TrafficWorld;

namespace Topo.Linux.Tests.Nftables;

/// <summary>
/// The table's IPv6 half with real traffic. The host state is made by hand (IPv6 on the bridges
/// and in the containers with `ip -6 addr add … nodad`, as topo's IPv6 applier will), on top of
/// <see cref="TrafficWorld"/>: the host has 2001:db8:99::1 on its uplink, "outside" 2001:db8:99::2.
/// Each protection is shown to be the one that holds by taking its rule out.
/// </summary>
public sealed class Ipv6TrafficTests
{
    private const string HostV6 = "2001:db8:99::1";
    private const string OutsideV6 = "2001:db8:99::2";

    [Fact]
    public void Published_ports_keep_the_client_address_containers_masquerade_out_and_networks_stay_isolated()
    {
        SandboxWorld.SkipUnlessRoot();
        var topology = Dual(NftablesClientTests.Resolve("""
            version: 1
            name: six
            networks:
              front: {subnet: 10.98.1.0/24}
              back: {subnet: 10.98.2.0/24}
            containers:
              web: {networks: [front], ports: ["80:8080"]}
              stranger: {networks: [back]}
            """), ("front", "fd00:1::/64"), ("back", "fd00:2::/64"));
        var (sandbox, nft) = Apply6(topology);
        using (sandbox)
        using (nft)
        {
            var outside = sandbox.Outside!.Path;
            var webNs = sandbox.Store.PathOf("web");
            using var server = TrafficWorld.StartServer(webNs, "::", 8080);
            WaitUntil(() => Curl(sandbox.Host.Path, "http://[fd00:1::2]:8080/") is not null, "the server in web answers the host directly");

            // Another machine through the host's IPv6 address: DNAT66, the real client address.
            Assert.Equal(OutsideV6, Curl(outside, $"http://[{HostV6}]:80/"));
            // The host through its own address.
            Assert.Equal(HostV6, Curl(sandbox.Host.Path, $"http://[{HostV6}]:80/"));
            // IPv4 is unchanged next to it (the dual-stack server sees an IPv4-mapped address).
            Assert.Equal("::ffff:10.99.0.2", Curl(outside, "http://10.99.0.1:80/"));

            // NAT66: web's connection out is seen from outside as the host's address.
            using var there = TrafficWorld.StartServer(outside, OutsideV6, 9090);
            WaitUntil(() => Curl(sandbox.Host.Path, $"http://[{OutsideV6}]:9090/") is not null, "the outside server answers");
            SandboxWorld.Ip(sandbox.Outside!, "-6 route add fd00::/16 via " + HostV6);
            Assert.Equal(HostV6, Curl(webNs, $"http://[{OutsideV6}]:9090/"));

            // No direct routing in, even with a route; no way from another network.
            Assert.Null(Curl(outside, "http://[fd00:1::2]:8080/"));
            Assert.Null(Curl(sandbox.Store.PathOf("stranger"), "http://[fd00:1::2]:8080/"));

            // And it is those rules: without the IPv6 masquerade the source is the container's own;
            // without the IPv6 DNAT the port is not there; without isolation the other network gets in.
            var ruleset = RulesetBuilder.Build(topology);
            nft.Replace(Without(ruleset, "masquerade (IPv6)"));
            Assert.Equal("fd00:1::2", Curl(webNs, $"http://[{OutsideV6}]:9090/"));
            nft.Replace(Without(ruleset, "published ports (IPv6)"));
            Assert.Null(Curl(outside, $"http://[{HostV6}]:80/"));
            nft.Replace(Without(ruleset, "isolate", "no direct routing in"));
            // (masqueraded to the gateway on the way, as its traffic to any other interface is)
            Assert.Equal("fd00:1::1", Curl(sandbox.Store.PathOf("stranger"), "http://[fd00:1::2]:8080/"));
        }
    }

    [Fact]
    public void Icc_off_and_internal_networks_hold_for_ipv6()
    {
        SandboxWorld.SkipUnlessRoot();
        var topology = Dual(NftablesClientTests.Resolve("""
            version: 1
            name: six
            networks:
              quiet: {subnet: 10.98.3.0/24, icc: false}
              vault: {subnet: 10.98.4.0/24, internal: true}
            containers:
              a: {networks: [quiet]}
              b: {networks: [quiet]}
              db: {networks: [vault]}
            """), ("quiet", "fd00:3::/64"), ("vault", "fd00:4::/64"));
        var (sandbox, nft) = Apply6(topology);
        using (sandbox)
        using (nft)
        {
            var (a, db, outside) = (sandbox.Store.PathOf("a"), sandbox.Store.PathOf("db"), sandbox.Outside!.Path);
            SandboxWorld.Ip(sandbox.Outside!, "-6 route add fd00::/16 via " + HostV6);
            // ICC off: a and b only reach the gateway, also when routed through it.
            Assert.True(TrafficWorld.Ping(a, "fd00:3::1"));
            sandbox.IpIn("a", "-6 route add fd00:3::3/128 via fd00:3::1");
            sandbox.IpIn("b", "-6 route add fd00:3::2/128 via fd00:3::1");
            Assert.False(TrafficWorld.Ping(a, "fd00:3::3"));
            // Internal: nothing in from outside, nothing out.
            Assert.False(TrafficWorld.Ping(outside, "fd00:4::2"));
            Assert.False(TrafficWorld.Ping(db, OutsideV6));

            var ruleset = RulesetBuilder.Build(topology);
            nft.Replace(Without(ruleset, "icc off"));
            Assert.True(TrafficWorld.Ping(a, "fd00:3::3"));
            nft.Replace(Without(ruleset, "internal: no forwarding in", "internal: no forwarding out"));
            Assert.True(TrafficWorld.Ping(outside, "fd00:4::2"));
        }
    }

    private static Ruleset Without(Ruleset ruleset, params string[] what) =>
        ruleset with { Rules = [.. ruleset.Rules.Where(r => !what.Any(w => r.Comment.EndsWith(" " + w, StringComparison.Ordinal)))] };

    /// <summary>Each network given an IPv6 subnet (gateway ::1), its endpoints ::2, ::3, … in order.</summary>
    private static Topology Dual(Topology topology, params (string Network, string Subnet)[] subnets)
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

    /// <summary><see cref="TrafficWorld.Apply"/>, and the IPv6 addresses and default routes on top (before the ruleset, which is written last).</summary>
    private static (SandboxWorld, NftablesClient) Apply6(Topology topology)
    {
        var (sandbox, nft) = TrafficWorld.Apply(topology);
        try
        {
            SandboxWorld.Ip(sandbox.Host, $"-6 addr add {HostV6}/64 dev uplink0 nodad");
            SandboxWorld.Ip(sandbox.Outside!, $"-6 addr add {OutsideV6}/64 dev eth0 nodad");
            foreach (var n in topology.Networks.Where(n => n.Ipv6Subnet is not null))
                SandboxWorld.Ip(sandbox.Host, $"-6 addr add {n.Ipv6Gateway}/{n.Ipv6Subnet!.Value.Length} dev {n.BridgeName} nodad");
            foreach (var c in topology.Containers)
                foreach (var e in c.Endpoints.Where(e => e.Ipv6Address is not null))
                {
                    var network = topology.FindNetwork(e.Network)!;
                    sandbox.IpIn(c.Name, $"-6 addr add {e.Ipv6Address}/{network.Ipv6Subnet!.Value.Length} dev {e.Interface} nodad");
                    if (e.DefaultRoute) sandbox.IpIn(c.Name, $"-6 route add default via {network.Ipv6Gateway}");
                }
            return (sandbox, nft);
        }
        catch
        {
            nft.Dispose();
            sandbox.Dispose();
            throw;
        }
    }
}
