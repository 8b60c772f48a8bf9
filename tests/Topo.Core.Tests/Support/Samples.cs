using System.Collections.Immutable;
using Topo.Core.Addressing;
using Topo.Core.Model;
using Topo.Core.Planning;

namespace Topo.Core.Tests.Support;

/// <summary>
/// Hand-built states and plans for project "wordpress": network frontend (a bridge) with
/// containers wordpress and db, plus a macvlan network lan with container metrics.
/// Built by hand, not by the planner, so renderer tests do not move when the planner does.
/// </summary>
internal static class Samples
{
    public const string Project = "wordpress";
    private const string Bridge = "br-1a2b3c4d5e6f";

    private static Label Network(string name) => new(Project, LabelRole.Network, name);
    private static Label Container(string name) => new(Project, LabelRole.Container, name);
    private static Label Endpoint(string container, string network) => Label.Endpoint(Project, container, network);

    public static SysctlState IpForward { get; } = new(HostState.Host, "net.ipv4.ip_forward", "1");

    public static NamespaceState Namespace(string name) => new(name) { Owner = Container(name) };

    public static LinkState FrontendBridge(int mtu = 1500) => new(HostState.Host, Bridge, LinkKind.Bridge)
    {
        Owner = Network("frontend"),
        Up = true,
        Mtu = mtu,
        Mac = MacAddress.Parse("02:42:5c:1e:9a:01"),
    };

    public static AddressState BridgeAddress { get; } =
        new(HostState.Host, Bridge, Ipv4Prefix.Parse("172.18.0.1/16")) { Owner = Network("frontend") };

    /// <summary>The host end (the one the planner creates) and the container end of a veth pair.</summary>
    public static (LinkState Host, LinkState Container) Veth(string hostName, string container, int octet) =>
        (new LinkState(HostState.Host, hostName, LinkKind.Veth)
        {
            Owner = Endpoint(container, "frontend"),
            Up = true,
            Mtu = 1500,
            Master = Bridge,
            Peer = new LinkRef(container, "eth0"),
            Isolated = false,
        },
        new LinkState(container, "eth0", LinkKind.Veth)
        {
            Owner = Endpoint(container, "frontend"),
            Up = true,
            Mtu = 1500,
            Mac = MacAddress.FromIpv4(Ipv4Address.Parse($"172.18.0.{octet}")),
            Peer = new LinkRef(HostState.Host, hostName),
        });

    public static AddressState ContainerAddress(string container, int octet) =>
        new(container, "eth0", Ipv4Prefix.Parse($"172.18.0.{octet}/16")) { Owner = Endpoint(container, "frontend") };

    public static RouteState DefaultRoute(string container) =>
        new(container, Ipv4Prefix.Parse("0.0.0.0/0"))
        {
            Gateway = Ipv4Address.Parse("172.18.0.1"),
            Device = "eth0",
            Owner = Container(container),
        };

    public static LinkState Macvlan(string parent) => new("metrics", "eth1", LinkKind.Macvlan)
    {
        Owner = Endpoint("metrics", "lan"),
        Up = true,
        Mac = MacAddress.Parse("02:42:c0:a8:0a:14"),
        Parent = new LinkRef(HostState.Host, parent),
        Details = new MacvlanDetails(MacvlanMode.Bridge),
    };

    public static LinkState Physical(string name) => new(HostState.Host, name, LinkKind.Other) { Up = true, Mtu = 1500 };

    /// <summary>Desired state after <see cref="CreatePlan"/>: frontend with wordpress and db.</summary>
    public static HostState Frontend(int bridgeMtu = 1500)
    {
        var wp = Veth("veth1a2b3c4", "wordpress", 2);
        var db = Veth("veth5d6e7f8", "db", 3);
        return HostState.From(new Resource[]
        {
            IpForward, Namespace("wordpress"), Namespace("db"), FrontendBridge(bridgeMtu), BridgeAddress,
            wp.Host, wp.Container, db.Host, db.Container,
            ContainerAddress("wordpress", 2), ContainerAddress("db", 3),
            DefaultRoute("wordpress"), DefaultRoute("db"),
        });
    }

    private static ImmutableArray<AttributeChange> NoChanges => [];

    private static PlanAction Create(int id, Resource after, string reason, int[]? dependsOn = null, params Resource[] includes) =>
        new(id, ActionKind.Create, null, after, NoChanges, reason, [.. dependsOn ?? []], [.. includes]);

    /// <summary>Everything from nothing: a bridge network with two containers.</summary>
    public static Plan CreatePlan()
    {
        var wp = Veth("veth1a2b3c4", "wordpress", 2);
        var db = Veth("veth5d6e7f8", "db", 3);
        return new Plan(Project,
        [
            Create(1, IpForward, "containers on a bridge network reach the outside through the host"),
            Create(2, Namespace("wordpress"), "container wordpress needs its network namespace"),
            Create(3, Namespace("db"), "container db needs its network namespace"),
            Create(4, FrontendBridge(), "network frontend is a bridge"),
            Create(5, BridgeAddress, "the bridge is the gateway of network frontend", [4]),
            Create(6, wp.Host, "container wordpress joins network frontend", [2, 4], wp.Container),
            Create(7, db.Host, "container db joins network frontend", [3, 4], db.Container),
            Create(8, ContainerAddress("wordpress", 2), "wordpress's address on network frontend", [6]),
            Create(9, ContainerAddress("db", 3), "db's address on network frontend", [7]),
            Create(10, DefaultRoute("wordpress"), "wordpress reaches the outside through the gateway of network frontend", [8]),
            Create(11, DefaultRoute("db"), "db reaches the outside through the gateway of network frontend", [9]),
        ], Frontend());
    }

    /// <summary>
    /// What the host has before <see cref="ChangePlan"/>: the frontend topology (bridge MTU 1500),
    /// container cache on frontend, an old network legacy, metrics on lan over enp1s0, and foreign links.
    /// </summary>
    public static HostState Observed()
    {
        var cache = Veth("veth9a8b7c6", "cache", 4);
        var resources = Frontend().All().Concat(new Resource[]
        {
            Namespace("cache"), cache.Host, cache.Container, ContainerAddress("cache", 4), DefaultRoute("cache"),
            LegacyBridge,
            Namespace("metrics"), Macvlan("enp1s0"),
            new AddressState("metrics", "eth1", Ipv4Prefix.Parse("192.168.10.20/24")) { Owner = Endpoint("metrics", "lan") },
            Physical("enp1s0"), Physical("enp2s0"), new NamespaceState("sidecar", SharesWith: "wordpress"),
            new RouteState(HostState.Host, Ipv4Prefix.Parse("10.0.0.0/8"), 100) { Gateway = Ipv4Address.Parse("192.168.10.1"), Device = "enp1s0" },
            ResolvConfFile("wordpress"), HostsFile("wordpress", "172.18.0.3\tdb db.frontend\n"),
            // Edited by hand: the label line is gone, so the file is foreign.
            new NamespaceFileState("db", NamespaceFileState.ResolvConf, "nameserver 1.1.1.1\n"),
        });
        return HostState.From(resources) with { HostResolvConf = HostResolvConf };
    }

    /// <summary>The host's own resolver: a LAN server, the host's loopback cache, a search domain.</summary>
    public static ResolvConf HostResolvConf { get; } = ResolvConf.Parse("nameserver 192.168.10.1\nnameserver 127.0.0.53\nsearch example.com\noptions edns0\n");

    public static NamespaceFileState ResolvConfFile(string container) =>
        new(container, NamespaceFileState.ResolvConf, "nameserver 127.0.0.11\nsearch example.com\noptions edns0 ndots:0\n") { Owner = Container(container) };

    public static NamespaceFileState HostsFile(string container, string peers) =>
        new(container, NamespaceFileState.Hosts, Topo.Core.Dns.ContainerHosts.Localhost + $"172.18.0.2\twordpress wordpress.frontend\n{peers}") { Owner = Container(container) };

    /// <summary>
    /// Files only: a new resolv.conf, a hosts file that gains a peer and loses one, a resolv.conf
    /// edited by hand (a terminal escape and no final newline in it) put back, a leftover deleted.
    /// </summary>
    public static Plan FilesPlan()
    {
        var oldHosts = HostsFile("wordpress", "172.18.0.4\tcache cache.frontend\n");
        var newHosts = HostsFile("wordpress", "172.18.0.3\tdb db.frontend\n");
        var edited = ResolvConfFile("db") with { Content = "nameserver 127.0.0.11\nnameserver \u001b[31m10.0.0.1\noptions ndots:0" };
        var leftover = HostsFile("cache", "");
        return new Plan(Project,
        [
            Create(1, ResolvConfFile("wordpress"), "/etc/resolv.conf of container 'wordpress': the embedded DNS server", [2]),
            new(2, ActionKind.Update, oldHosts, newHosts, [new AttributeChange(AttributeKind.Content, oldHosts.Content, newHosts.Content, ForcesReplace: false)],
                "differs on the host: content", [], []),
            new(3, ActionKind.Update, edited, ResolvConfFile("db"), [new AttributeChange(AttributeKind.Content, edited.Content, ResolvConfFile("db").Content, ForcesReplace: false)],
                "differs on the host: content", [], []),
            new(4, ActionKind.Delete, leftover, null, NoChanges, "not part of container 'cache' in the topology", [], []),
        ], HostState.From([.. Frontend().All(), ResolvConfFile("wordpress"), newHosts, ResolvConfFile("db")]));
    }

    private static LinkState LegacyBridge { get; } = new(HostState.Host, "br-0f0e0d0c0b0a", LinkKind.Bridge)
    {
        Owner = Network("legacy"),
        Up = true,
        Mtu = 1500,
    };

    /// <summary>An update (bridge MTU), a replace (macvlan parent), and deletes (container cache, network legacy).</summary>
    public static Plan ChangePlan()
    {
        var cache = Veth("veth9a8b7c6", "cache", 4);
        var desired = Frontend(bridgeMtu: 9000);
        desired = HostState.From(desired.All().Concat(new Resource[]
        {
            Namespace("metrics"), Macvlan("enp2s0"),
            new AddressState("metrics", "eth1", Ipv4Prefix.Parse("192.168.10.20/24")) { Owner = Endpoint("metrics", "lan") },
        }));
        return new Plan(Project,
        [
            new(1, ActionKind.Update, FrontendBridge(1500), FrontendBridge(9000),
                [new AttributeChange(AttributeKind.Mtu, "1500", "9000", ForcesReplace: false)],
                "network frontend asks for mtu 9000", [], []),
            new(2, ActionKind.Replace, Macvlan("enp1s0"), Macvlan("enp2s0"),
                [new AttributeChange(AttributeKind.Parent, "enp1s0", "enp2s0", ForcesReplace: true)],
                "network lan moved to parent enp2s0; the kernel cannot move a macvlan", [], []),
            new(3, ActionKind.Delete, cache.Host, null, NoChanges,
                "container cache is no longer in the topology", [], [cache.Container]),
            new(4, ActionKind.Delete, Namespace("cache"), null, NoChanges,
                "container cache is no longer in the topology", [3], []),
            new(5, ActionKind.Delete, LegacyBridge, null, NoChanges,
                "network legacy is no longer in the topology", [3], []),
        ], desired);
    }

    public static Plan EmptyPlan() => new(Project, [], Frontend());
}
