using Topo.Core.Addressing;
using Topo.Core.Model;
using Topo.Linux.Observation;
using SandboxHost = Topo.Linux.Tests.Sandbox.Sandbox;

namespace Topo.Linux.Tests.Observation;

/// <summary>
/// A dual-stack namespace holds the kernel's IPv6 housekeeping beside topo's address and routes;
/// the observer's dumps skip it (the model would otherwise plan to delete what IPv6 brings back).
/// </summary>
public sealed class ObserverIpv6Tests
{
    [Fact]
    public void A_dual_stack_namespace_is_observed_with_its_own_addresses_and_routes_and_none_of_the_kernels()
    {
        SandboxHost.SkipUnlessRoot();
        if (!File.Exists("/proc/sys/net/ipv6/conf/default/disable_ipv6")) Assert.Skip("this kernel has no IPv6");
        using var sandbox = SandboxHost.Create();
        var host = sandbox.Host;
        using (sandbox.Store.Create("web")) { }
        var web = sandbox.Store.PathOf("web");
        SandboxHost.Run("nsenter", $"--net={web} sysctl -q -w net.ipv6.conf.default.disable_ipv6=0 net.ipv6.conf.lo.disable_ipv6=0");
        sandbox.IpIn("web", "link set lo alias topo:demo:container:web up"); // ::1, and its local-table routes
        SandboxHost.Ip(host, $"link add veth-web type veth peer name eth0 netns {web}");
        SandboxHost.Ip(host, "link set veth-web up");
        // eth0 up with IPv6 on: the kernel adds fe80::…/64 (IFA_PROTO kernel_ll) and the fe80::/64 route.
        sandbox.IpIn("web", "link set eth0 alias topo:demo:endpoint:web.front up");
        sandbox.IpIn("web", "addr add 10.7.0.2/24 dev eth0"); // with the kernel's 10.7.0.0/24 prefix route
        sandbox.IpIn("web", "-6 addr add fd00:7::2/64 dev eth0 nodad"); // and fd00:7::/64, proto kernel
        sandbox.IpIn("web", "route add default via 10.7.0.1 dev eth0");
        sandbox.IpIn("web", "-6 route add default via fd00:7::1 dev eth0");
        sandbox.IpIn("web", "-6 route add unreachable fd00:99::/64"); // not unicast: not topo's kind of route
        var kernelMade = sandbox.IpIn("web", "-6 addr show");
        Assert.Contains("fe80::", kernelMade); // the housekeeping is there to be skipped
        Assert.Contains("::1/128", kernelMade);

        using var observer = new Observer(sandbox.Store, host);
        var state = observer.Observe();

        Assert.Equal(
            ["10.7.0.2/24", "fd00:7::2/64"],
            state.Addresses.Where(a => a.Namespace == "web").Select(a => a.Address.ToString()).Order(StringComparer.Ordinal));
        var routes = state.Routes.Where(r => r.Namespace == "web").ToList();
        Assert.Equal(
            ["0.0.0.0/0 via 10.7.0.1 dev eth0 metric 0", "::/0 via fd00:7::1 dev eth0 metric 0"],
            routes.Select(r => $"{r.Destination} via {r.Gateway} dev {r.Device} metric {r.Metric}").Order(StringComparer.Ordinal));
        Assert.All(routes, r => Assert.Equal(new Label("demo", LabelRole.Container, "web"), r.Owner));
    }
}
