using System.Collections.Immutable;
using Topo.Core.Addressing;
using Topo.Core.Model;
using Topo.Core.Spec;

namespace Topo.Core.Resolution;

/// <summary>
/// The file resolved to concrete values: every subnet, address, name and MAC decided. The
/// kernel objects of <see cref="Desired"/> are built from it; later layers (firewall, DNS,
/// inspect) read networks, endpoints and ports from here.
/// </summary>
public sealed record Topology(
    string Project,
    ImmutableArray<ResolvedNetwork> Networks,
    ImmutableArray<ResolvedContainer> Containers,
    HostState Desired)
{
    public ResolvedNetwork? FindNetwork(string name) => Networks.FirstOrDefault(n => n.Name == name);

    /// <summary>
    /// Bridges of the host's way out (not topo's, carrying a route through a gateway): the one kind
    /// of bridge isolation lets a network's traffic leave through. From Observed; empty without a host.
    /// </summary>
    public ImmutableArray<string> UplinkBridges { get; init; } = [];

    /// <summary>Docker's DOCKER-USER chain is on the host: topo's accepts go there too. From Observed.</summary>
    public bool DockerUser { get; init; }
}

public sealed record ResolvedNetwork(
    string Name,
    NetworkDriver Driver,
    Ipv4Prefix Subnet,
    Ipv4Address Gateway,
    Ipv4Prefix? IpRange,
    bool Internal,
    bool Icc,
    bool Masquerade,
    int? Mtu,
    bool Dns,
    /// <summary>TTL of the embedded resolver's answers for names on this network, in seconds.</summary>
    uint DnsTtl,
    string? BridgeName,
    LinkRef? Parent,
    Model.MacvlanMode? Mode,
    Ipv4Address? HostBindingIpv4,
    Label Label)
{
    /// <summary>Answers change as containers come and go: short enough to follow, long enough to spare a busy client a round trip per query.</summary>
    public const uint DefaultDnsTtl = 10;

    public bool IsDefaultBridge => Name == Naming.DefaultBridgeNetwork;

    /// <summary>The network's IPv6 subnet when it has IPv6 (<c>enable_ipv6</c>); null on an IPv4-only network.</summary>
    public Ipv6Prefix? Ipv6Subnet { get; init; }

    /// <summary>
    /// The IPv6 gateway in <see cref="Ipv6Subnet"/>: the bridge's address; on macvlan the router on the
    /// parent's LAN (as for IPv4: given, else the subnet's <c>::1</c>, never handed out). Null without IPv6.
    /// </summary>
    public Ipv6Address? Ipv6Gateway { get; init; }

    /// <summary>The part of <see cref="Ipv6Subnet"/> containers' addresses come from (<c>ip_range</c>'s IPv6 value).</summary>
    public Ipv6Prefix? Ipv6Range { get; init; }

    public bool EnableIpv6 => Ipv6Subnet is not null;
}

public sealed record ResolvedContainer(
    string Name,
    NetworkModeKind Mode,
    /// <summary>The named namespace it lives in: its own, the one it shares (container mode), or null (host mode).</summary>
    string? Namespace,
    ImmutableArray<ResolvedEndpoint> Endpoints,
    ImmutableArray<PortSpec> Ports,
    Label Label);

public sealed record ResolvedEndpoint(
    string Network,
    string Interface,
    Ipv4Address Address,
    int PrefixLength,
    MacAddress Mac,
    /// <summary>Host end of the veth on bridge networks; null on macvlan.</summary>
    string? HostInterface,
    ImmutableArray<string> Aliases,
    bool DefaultRoute,
    Label Label)
{
    /// <summary>The endpoint's IPv6 address (its prefix length is the network's); null on an IPv4-only network.</summary>
    public Ipv6Address? Ipv6Address { get; init; }

    /// <summary>
    /// The container's IPv6 default route goes through this endpoint: chosen among its IPv6
    /// endpoints by the IPv4 rule (gw_priority), so usually the IPv4 one's (Docker 27 picks per family too).
    /// </summary>
    public bool Ipv6DefaultRoute { get; init; }
}
