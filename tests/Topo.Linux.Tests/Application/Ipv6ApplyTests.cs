using System.Text.Json;
using Topo.Core.Addressing;
using Topo.Core.Host;
using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Linux.Application;
using Topo.Linux.Observation;
using SandboxHost = Topo.Linux.Tests.Sandbox.Sandbox;

namespace Topo.Linux.Tests.Application;

/// <summary>
/// IPv6 addresses and routes made real in a sandbox, from a hand-built desired state (a bridge
/// with an IPv4 and an IPv6 gateway, two dual-stack containers, one IPv4-only): planned, applied,
/// observed back (the plan is then empty), checked with `ip -6 -j` and `ping -6`, changed, rolled
/// back, deleted.
/// </summary>
public sealed class Ipv6ApplyTests(ITestOutputHelper output)
{
    private const string Project = "six";
    private const string Bridge = "br-six";
    private static readonly Label Network = new(Project, LabelRole.Network, "net");

    private static readonly AddressState GatewayV4 = new("", Bridge, Ipv4Prefix.Parse("10.66.0.1/24")) { Owner = Network };
    private static readonly AddressState GatewayV6 = new("", Bridge, Ipv6Prefix.Parse("fd00:66::1/64")) { Owner = Network };

    /// <summary>A container's namespace, lo, veth pair, IPv4 address and default route; with <paramref name="ipv6"/>, its IPv6 address and default route too.</summary>
    private static Resource[] Container(string name, int host, string? ipv6)
    {
        var owner = new Label(Project, LabelRole.Container, name);
        var endpoint = Label.Endpoint(Project, name, "net");
        var resources = new List<Resource>
        {
            new NamespaceState(name) { Owner = owner },
            new LinkState(name, "lo", LinkKind.Loopback) { Owner = owner, Up = true },
            new LinkState("", $"veth-{name}", LinkKind.Veth) { Owner = endpoint, Up = true, Master = Bridge, Peer = new LinkRef(name, "eth0") },
            new LinkState(name, "eth0", LinkKind.Veth)
            {
                Owner = endpoint, Up = true, Mac = MacAddress.Parse($"02:42:0a:42:00:{host:x2}"), Peer = new LinkRef("", $"veth-{name}"),
            },
            new AddressState(name, "eth0", Ipv4Prefix.Parse($"10.66.0.{host}/24")) { Owner = endpoint },
            new RouteState(name, Ipv4Prefix.Parse("0.0.0.0/0")) { Gateway = Ipv4Address.Parse("10.66.0.1"), Device = "eth0", Owner = owner },
        };
        if (ipv6 is not null)
        {
            resources.Add(V6Address(name, ipv6));
            resources.Add(V6Default(name, "fd00:66::1"));
        }
        return [.. resources];
    }

    private static AddressState V6Address(string ns, string address) =>
        new(ns, "eth0", Ipv6Prefix.Parse($"{address}/64")) { Owner = Label.Endpoint(Project, ns, "net") };

    private static RouteState V6Default(string ns, string gateway) => new(ns, Ipv6Prefix.Parse("::/0"))
    {
        Gateway = Ipv6Address.Parse(gateway), Device = "eth0", Owner = new Label(Project, LabelRole.Container, ns),
    };

    private static HostState Desired(params Resource[] resources) => HostState.Empty with
    {
        Namespaces = [.. resources.OfType<NamespaceState>()],
        Links = [.. resources.OfType<LinkState>()],
        Addresses = [.. resources.OfType<AddressState>()],
        Routes = [.. resources.OfType<RouteState>()],
    };

    private static Resource[] Topology(string aAddress = "fd00:66::2", string? bAddress = "fd00:66::3") =>
    [
        new LinkState("", Bridge, LinkKind.Bridge) { Owner = Network, Up = true },
        GatewayV4, GatewayV6,
        .. Container("a", 2, aAddress),
        .. Container("b", 3, bAddress),
        .. Container("c", 4, null),
    ];

    [Fact]
    public void Dual_stack_containers_get_their_ipv6_at_once_and_an_ipv4_only_one_keeps_ipv6_off()
    {
        SandboxHost.SkipUnlessRoot();
        using var sandbox = SandboxHost.Create();
        if (!File.Exists("/proc/sys/net/ipv6/conf/default/disable_ipv6")) Assert.Skip("this kernel has no IPv6");
        // The bridge is made with IPv6 off, as on a host that turned it off by default: the applier must turn it on.
        SandboxHost.Run("nsenter", $"--net={sandbox.Host.Path} sysctl -q -w net.ipv6.conf.default.disable_ipv6=1");
        using var applier = new Applier(sandbox.Store, sandbox.Host);
        using var observer = new Observer(sandbox.Store, sandbox.Host);

        var desired = Desired(Topology());
        Converge(applier, observer, desired);

        // Exactly topo's global addresses, usable at once (nodad, never tentative), and the routes.
        foreach (var (ns, address) in new[] { ("a", "fd00:66::2"), ("b", "fd00:66::3") })
        {
            var global = GlobalAddresses(sandbox.IpIn(ns, "-j -6 addr show dev eth0"));
            var only = Assert.Single(global);
            Assert.Equal((address, 64), (only.GetProperty("local").GetString(), only.GetProperty("prefixlen").GetInt32()));
            Assert.False(only.TryGetProperty("tentative", out _), $"{ns}: {only}");
            Assert.True(only.GetProperty("nodad").GetBoolean());
            var route = Assert.Single(SandboxHost.Json(sandbox.IpIn(ns, "-j -6 route show default")));
            Assert.Equal(("fd00:66::1", "eth0", 1024), (route.GetProperty("gateway").GetString(), route.GetProperty("dev").GetString(), route.GetProperty("metric").GetInt32()));
            Assert.Equal("0", Sysctl(sandbox, ns, "net.ipv6.conf.lo.disable_ipv6"));
            Assert.Contains("::1/128", sandbox.IpIn(ns, "-6 addr show lo")); // as in Docker's dual-stack containers
            // A link-local address, as every IPv6 interface must have (RFC 4291) and Docker's have.
            Assert.Contains(SandboxHost.Json(sandbox.IpIn(ns, "-j -6 addr show dev eth0")).SelectMany(l => l.GetProperty("addr_info").EnumerateArray()),
                a => a.GetProperty("scope").GetString() == "link");
        }
        Assert.Equal("0", Sysctl(sandbox, null, $"net.ipv6.conf.{Bridge}.disable_ipv6"));
        Assert.Equal("fd00:66::1", Assert.Single(GlobalAddresses(SandboxHost.Ip(sandbox.Host, $"-j -6 addr show dev {Bridge}"))).GetProperty("local").GetString());

        // Reachable at once: container to container, and to the gateway on the bridge.
        sandbox.IpIn("a", "-6 neigh flush all"); // nothing cached: the first ping resolves
        SandboxHost.Run("nsenter", $"--net={sandbox.Store.PathOf("a")} ping -6 -c 1 -W 2 fd00:66::3");
        SandboxHost.Run("nsenter", $"--net={sandbox.Store.PathOf("b")} ping -6 -c 1 -W 2 fd00:66::1");

        // The IPv4-only container: IPv6 off on its interface, so no link-local address either, and on lo (no ::1).
        Assert.Equal("1", Sysctl(sandbox, "c", "net.ipv6.conf.eth0.disable_ipv6"));
        Assert.Equal("1", Sysctl(sandbox, "c", "net.ipv6.conf.lo.disable_ipv6"));
        Assert.DoesNotContain(SandboxHost.Json(sandbox.IpIn("c", "-j -6 addr show dev eth0")), a => a.TryGetProperty("addr_info", out var i) && i.GetArrayLength() > 0);

        // A route a router advertisement taught the kernel is the network's: read, never deleted.
        sandbox.IpIn("a", "-6 route add fd00:77::/64 via fd00:66::1 dev eth0 proto ra");
        var withRa = observer.Observe(Project);
        Assert.Null(Assert.Single(withRa.Routes, r => r.Destination == (IpPrefix)Ipv6Prefix.Parse("fd00:77::/64")).Owner);
        Assert.True(Planner.Plan(Project, desired, withRa).Plan!.IsEmpty);

        // b's IPv6 goes: its addresses and routes, and IPv6 on its interface with them.
        Converge(applier, observer, Desired(Topology(bAddress: null)));
        Assert.Equal("1", Sysctl(sandbox, "b", "net.ipv6.conf.eth0.disable_ipv6"));
        Assert.DoesNotContain(SandboxHost.Json(sandbox.IpIn("b", "-j -6 addr show dev eth0")), a => a.TryGetProperty("addr_info", out var i) && i.GetArrayLength() > 0);
        Assert.Empty(SandboxHost.Json(sandbox.IpIn("b", "-j -6 route show default")));

        // a's address changes: deleted (IPv6 off, its route with it), added, and the route made again.
        var moved = Converge(applier, observer, Desired(Topology(aAddress: "fd00:66::5", bAddress: null)));
        Assert.Contains(moved.Actions, a => a is { Kind: ActionKind.Create, After: RouteState { Destination.IsV6: true } });
        Assert.Single(SandboxHost.Json(sandbox.IpIn("a", "-j -6 route show default")));
        SandboxHost.Run("nsenter", $"--net={sandbox.Store.PathOf("a")} ping -6 -c 1 -W 2 fd00:66::1");
        output.WriteLine(string.Join("\n", moved.Actions.Select(a => $"{a.Symbol} {a.Subject.Display}")));
    }

    /// <summary>
    /// A container whose last IPv6 address goes ends as one that never had IPv6 (c here, and Docker's
    /// IPv4-only containers: fixtures/docker-ipv6-containers.txt): IPv6 off on lo too, only 127.0.0.1
    /// there. Both ways it goes: its network drops IPv6 (the address is deleted), or it leaves the
    /// network (the link is deleted, the addresses with it). Its IPv6 coming back brings ::1 back.
    /// </summary>
    [Fact]
    public void A_container_whose_last_ipv6_address_goes_ends_as_one_that_never_had_ipv6()
    {
        SandboxHost.SkipUnlessRoot();
        using var sandbox = SandboxHost.Create();
        if (!File.Exists("/proc/sys/net/ipv6/conf/default/disable_ipv6")) Assert.Skip("this kernel has no IPv6");
        using var applier = new Applier(sandbox.Store, sandbox.Host);
        using var observer = new Observer(sandbox.Store, sandbox.Host);
        var topology = Topology();
        Converge(applier, observer, Desired(topology));
        Assert.Contains("::1/128", sandbox.IpIn("b", "-6 addr show lo"));

        // b's network drops IPv6: the address is deleted.
        Converge(applier, observer, Desired(Topology(bAddress: null)));
        AssertNeverHadIpv6(sandbox, "b");
        // a leaves the network: its veth goes, addresses and all; its namespace stays (network_mode: none).
        Converge(applier, observer, Desired([.. Topology(bAddress: null)
            .Where(r => (r.Namespace != "a" || r is LinkState { Name: "lo" }) && r is not LinkState { Name: "veth-a" })]));
        AssertNeverHadIpv6(sandbox, "a", eth0: false);
        // b's IPv6 back: ::1 with it.
        Converge(applier, observer, Desired(Topology()));
        Assert.Contains("::1/128", sandbox.IpIn("b", "-6 addr show lo"));
    }

    /// <summary>lo as in a container that never had IPv6 (c): only 127.0.0.1, IPv6 off on all, default, lo and eth0.</summary>
    private static void AssertNeverHadIpv6(SandboxHost sandbox, string ns, bool eth0 = true)
    {
        static string Lo(SandboxHost sandbox, string ns) => string.Join(" ", SandboxHost.Json(sandbox.IpIn(ns, "-j addr show dev lo"))
            .SelectMany(l => l.GetProperty("addr_info").EnumerateArray()).Select(a => $"{a.GetProperty("family").GetString()} {a.GetProperty("local").GetString()}"));
        Assert.Equal("inet 127.0.0.1", Lo(sandbox, "c"));
        Assert.Equal(Lo(sandbox, "c"), Lo(sandbox, ns));
        foreach (var conf in eth0 ? new[] { "all", "default", "lo", "eth0" } : ["all", "default", "lo"])
            Assert.True(Sysctl(sandbox, ns, $"net.ipv6.conf.{conf}.disable_ipv6") == "1", $"{ns}: net.ipv6.conf.{conf}.disable_ipv6");
    }

    [Fact]
    public void A_failed_apply_gives_back_the_ipv6_address_and_route_it_deleted()
    {
        SandboxHost.SkipUnlessRoot();
        using var sandbox = SandboxHost.Create();
        if (!File.Exists("/proc/sys/net/ipv6/conf/default/disable_ipv6")) Assert.Skip("this kernel has no IPv6");
        var topology = Topology();
        using (var setup = new Applier(sandbox.Store, sandbox.Host))
        using (var observer = new Observer(sandbox.Store, sandbox.Host))
            Converge(setup, observer, Desired(topology));

        // Take a's IPv6 away and add a route to c; the last step fails, so everything is undone.
        var extra = new RouteState("c", Ipv4Prefix.Parse("10.99.0.0/16")) { Gateway = Ipv4Address.Parse("10.66.0.1"), Device = "eth0", Owner = new Label(Project, LabelRole.Container, "c") };
        var without = Desired([.. topology.Where(r => r is not (AddressState { Namespace: "a", Address.IsV6: true } or RouteState { Namespace: "a", Destination.IsV6: true })), extra]);
        using var observing = new Observer(sandbox.Store, sandbox.Host);
        var plan = Planner.Plan(Project, without, observing.Observe(Project)).Plan!;
        // The route goes with the address (IPv6 off), so it is not a step of its own; the extra route is the last step.
        Assert.Equal("- address a/eth0 fd00:66::2/64\n+ route c 10.99.0.0/16", string.Join("\n", plan.Actions.Select(a => $"{a.Symbol} {a.Subject.Display}")));
        using var failing = new Applier(sandbox.Store, sandbox.Host, new ApplierOptions { Failpoints = new Failpoints(FailStep: 2) });
        Assert.Throws<ApplyException>(() => failing.Apply(plan));

        var again = Planner.Plan(Project, Desired(topology), observing.Observe(Project)).Plan!;
        Assert.True(again.IsEmpty, $"still to do: {string.Join(", ", again.Actions.Select(a => $"{a.Kind} {a.Subject.Display}"))}");
        Assert.Equal("0", Sysctl(sandbox, "a", "net.ipv6.conf.eth0.disable_ipv6"));
        Assert.Contains("::1/128", sandbox.IpIn("a", "-6 addr show lo")); // lo went off with the address, and came back with it
        SandboxHost.Run("nsenter", $"--net={sandbox.Store.PathOf("a")} ping -6 -c 1 -W 2 fd00:66::3");
    }

    /// <summary>Plans, applies, observes, and checks that planning again finds nothing to do.</summary>
    private static Plan Converge(Applier applier, Observer observer, HostState desired)
    {
        var plan = Planner.Plan(Project, desired, observer.Observe(Project)).Plan!;
        applier.Apply(plan);
        var again = Planner.Plan(Project, desired, observer.Observe(Project)).Plan!;
        Assert.True(again.IsEmpty, $"still to do: {string.Join(", ", again.Actions.Select(a => $"{a.Kind} {a.Subject.Display}"))}");
        return plan;
    }

    /// <summary>The global (not link-local) addresses in `ip -j -6 addr show dev X`.</summary>
    private static List<JsonElement> GlobalAddresses(string json) =>
        [.. SandboxHost.Json(json).SelectMany(l => l.GetProperty("addr_info").EnumerateArray()).Where(a => a.GetProperty("scope").GetString() == "global")];

    private static string Sysctl(SandboxHost sandbox, string? ns, string key) =>
        SandboxHost.Run("nsenter", $"--net={(ns is null ? sandbox.Host.Path : sandbox.Store.PathOf(ns))} sysctl -n {key}").Trim();
}
