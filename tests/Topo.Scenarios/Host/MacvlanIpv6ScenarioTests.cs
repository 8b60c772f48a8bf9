using System.Text.Json;
using Topo.Scenarios.Support;

namespace Topo.Scenarios.Host;

/// <summary>
/// enable_ipv6 on a macvlan network, as Docker's macvlan driver gives it: each container an IPv6
/// address on its macvlan link (sequential, usable at once), a default route via the LAN's router,
/// and no firewall part. The LAN is a veth the test makes: lan0 in the sandbox's host is the
/// parent, lan1 in the namespace "router" is the router (10.42.0.1, fd00:42::1).
/// </summary>
public sealed class MacvlanIpv6ScenarioTests
{
    private static string Spec { get; } = TempSpec.Write("""
        version: 1
        name: lan6
        networks:
          lan:
            driver: macvlan
            parent: lan0
            enable_ipv6: true
            subnet: [10.42.0.0/24, "fd00:42::/64"]
        containers:
          a: {networks: [lan]}
          b: {networks: [lan]}
        """);

    [Fact]
    public void Containers_on_an_ipv6_macvlan_network_reach_the_router_and_each_other_over_IPv6()
    {
        var s = SandboxShell.Run($$"""
            SPEC={{Spec}}
            ip netns add router
            ip link add lan0 type veth peer name lan1 netns router
            ip link set lan0 up
            ip netns exec router sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0 net.ipv6.conf.lan1.disable_ipv6=0
            ip -n router addr add 10.42.0.1/24 dev lan1
            ip -n router addr add fd00:42::1/64 dev lan1 nodad
            ip -n router link set lan1 up
            step apply $TOPO apply $SPEC
            step again $TOPO plan $SPEC --detailed-exitcode
            step addr_a ip -n a -j -6 addr show dev eth0
            step addr_b ip -n b -j -6 addr show dev eth0
            step kind_a ip -n a -j -d link show eth0
            step route_a ip -n a -j -6 route show default
            step ping_router ip netns exec a ping -6 -c1 -W2 fd00:42::1
            step ping_peer ip netns exec a ping -6 -c1 -W2 fd00:42::3
            step from_router ip netns exec router ping -6 -c1 -W2 fd00:42::2
            step ping4 ip netns exec b ping -c1 -W2 10.42.0.1
            step tables nft list tables
            step destroy $TOPO destroy $SPEC
            ip netns del router
            """);
        s.Ok("apply");
        Assert.Equal(0, s["again"].ExitCode);
        Assert.Equal("macvlan", s.Ok("kind_a").Json()[0].GetProperty("linkinfo").GetProperty("info_kind").GetString());
        // Sequential as Docker's IPAM: ::1 is the gateway, never handed out; nodad, never tentative.
        Assert.Equal(("fd00:42::2", 64, true), Global(s.Ok("addr_a").Output));
        Assert.Equal(("fd00:42::3", 64, true), Global(s.Ok("addr_b").Output));
        var route = Assert.Single(s.Ok("route_a").Json().EnumerateArray());
        Assert.Equal(("fd00:42::1", "eth0", 1024),
            (route.GetProperty("gateway").GetString(), route.GetProperty("dev").GetString(), route.GetProperty("metric").GetInt32()));
        s.Ok("ping_router");
        s.Ok("ping_peer");
        s.Ok("from_router");
        s.Ok("ping4");
        // No firewall part, as for IPv4 macvlan: a project without a bridge network has no table.
        Assert.Equal("", s.Ok("tables").Output.Trim());
        s.Ok("destroy");
    }

    /// <summary>The one global IPv6 address of an interface (ip -j addr), and whether it was added with nodad and is not tentative.</summary>
    private static (string Address, int Length, bool NodadNotTentative) Global(string ipJson)
    {
        var found = JsonDocument.Parse(ipJson).RootElement.EnumerateArray()
            .SelectMany(l => l.GetProperty("addr_info").EnumerateArray())
            .Single(a => a.GetProperty("scope").GetString() == "global");
        return (found.GetProperty("local").GetString()!, found.GetProperty("prefixlen").GetInt32(),
            found.TryGetProperty("nodad", out _) && !found.TryGetProperty("tentative", out _));
    }
}
