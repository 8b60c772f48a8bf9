using System.Text.Json;
using Topo.Scenarios.Support;

namespace Topo.Scenarios.Host;

/// <summary>
/// CVE-2020-13401 as it reaches topo: a container sends a router advertisement into its bridge
/// (as root with CAP_NET_RAW can, from an IPv4-only network too) and a host with IPv6 on its
/// bridges would take it: a default route through the container, an address in its prefix. topo's
/// bridges have router advertisements off; a bridge the test makes by hand takes the same
/// advertisement, which shows it is one the kernel accepts. Turning it on again by hand is drift
/// that plan shows and apply repairs. One bridge's name has a dot, as Linux allows: its setting is
/// found all the same. One has an MTU below IPv6's 1280: the kernel gives it no IPv6, and no such setting.
/// </summary>
public sealed class RouterAdvertisementScenarioTests : IDisposable
{
    private readonly string _dir = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "ra", Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => TestDirectory.Delete(_dir);

    private static string Spec { get; } = TempSpec.Write("""
        version: 1
        name: ra
        networks:
          v4: {subnet: 10.62.0.0/24, bridge_name: ra.v4}
          closed: {internal: true, enable_ipv6: true, subnet: [10.63.0.0/24, "fd00:63::/64"], bridge_name: raclosed}
          tiny: {subnet: 10.64.0.0/24, mtu: 1200, bridge_name: ratiny}
        containers:
          a: {networks: [v4]}
          b: {networks: [closed]}
          c: {networks: [tiny]}
        """);

    private static string Sender => Repo.PathOf("tests/Topo.Scenarios/Support/scripts/send-router-advertisement.py");

    [Fact]
    public void A_container_cannot_give_the_host_a_route_or_an_address_by_router_advertisement()
    {
        var s = SandboxShell.Run($$"""
            W={{_dir}}
            SPEC={{Spec}}
            mkdir -p $W/run && mount -t tmpfs topo-test $W/run
            export TOPO_RUN_DIR=$W/run
            # IPv6 on, as a real host has it; forwarding stays off (no network with IPv6 goes out).
            sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0
            # The control: a bridge of the test's own with the kernel's defaults, and a namespace behind it.
            ip netns add ctl
            ip link add ctlbr type bridge && ip link set ctlbr up
            ip link add ctlport master ctlbr type veth peer name eth0 netns ctl
            ip link set ctlport up && ip -n ctl link set eth0 up
            step apply $TOPO apply $SPEC
            step accept_ra cat /proc/sys/net/ipv6/conf/ra.v4/accept_ra /proc/sys/net/ipv6/conf/raclosed/accept_ra /proc/sys/net/ipv6/conf/ctlbr/accept_ra
            step from_a ip netns exec a python3 {{Sender}} eth0 2001:db8:a::
            step from_b ip netns exec b python3 {{Sender}} eth0 2001:db8:b::
            step from_ctl ip netns exec ctl python3 {{Sender}} eth0 2001:db8:c::
            # The control's address, the last thing the kernel makes of an advertisement, shows it has
            # processed them all (they arrive in order).
            step processed sh -c 'for _ in $(seq 200); do ip -6 -o addr show dev ctlbr | grep -q "2001:db8:c:" && exit 0; sleep 0.1; done; exit 1'
            step routes ip -6 -j route show
            step addrs ip -6 -j addr show
            # Drift: router advertisements on again by hand.
            echo 1 > /proc/sys/net/ipv6/conf/ra.v4/accept_ra
            step drift $TOPO plan $SPEC --detailed-exitcode
            step repair $TOPO apply $SPEC
            step repaired cat /proc/sys/net/ipv6/conf/ra.v4/accept_ra
            step converged $TOPO plan $SPEC --detailed-exitcode
            step tiny_ipv6 ls /proc/sys/net/ipv6/conf/ratiny
            step destroy $TOPO destroy $SPEC
            """);

        s.Ok("apply");
        Assert.Equal(["0", "0", "1"], s.Ok("accept_ra").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        s.Ok("from_a");
        s.Ok("from_b");
        s.Ok("from_ctl");
        s.Ok("processed");

        var routes = s.Ok("routes").Json().EnumerateArray().Select(r => (Dst: r.GetProperty("dst").GetString(), Dev: r.GetProperty("dev").GetString(),
            Protocol: r.TryGetProperty("protocol", out var p) ? p.GetString() : null)).ToList();
        // The control bridge took its advertisement: a default route and the prefix.
        Assert.Contains(routes, r => r is { Dst: "default", Dev: "ctlbr", Protocol: "ra" });
        Assert.Contains(routes, r => r is { Dst: "2001:db8:c::/64", Dev: "ctlbr" });
        // topo's bridges took nothing.
        Assert.DoesNotContain(routes, r => r.Dev is "ra.v4" or "raclosed" && (r.Protocol == "ra" || r.Dst!.StartsWith("2001:db8:")));
        var addresses = s.Ok("addrs").Json().EnumerateArray()
            .SelectMany(l => l.GetProperty("addr_info").EnumerateArray().Select(a => (Dev: l.GetProperty("ifname").GetString(), Local: a.GetProperty("local").GetString()!)))
            .Where(a => a.Local.StartsWith("2001:db8:"))
            .ToList();
        Assert.Equal([("ctlbr", "2001:db8:c:")], addresses.Select(a => (a.Dev, a.Local[..11])));

        var drift = s["drift"];
        Assert.Equal(2, drift.ExitCode); // changes pending
        Assert.Contains("~ sysctl host net.ipv6.conf.ra.v4.accept_ra", drift.Output);
        s.Ok("repair");
        Assert.Equal("0", s.Ok("repaired").Output.Trim());
        Assert.Equal(0, s["converged"].ExitCode);
        Assert.NotEqual(0, s["tiny_ipv6"].ExitCode); // what the kernel does below 1280
        s.Ok("destroy");
    }
}
