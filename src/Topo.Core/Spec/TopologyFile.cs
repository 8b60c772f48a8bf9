using System.Collections.Immutable;

namespace Topo.Core.Spec;

/// <summary>
/// A topology file as written, after shape checks: every field typed, Docker's <c>options:</c>
/// keys folded into the fields they mean, and the place of each node kept for error messages.
/// Built-in networks (bridge, host, none) are not listed unless the file declares them.
/// </summary>
public sealed record TopologyFile(
    string Path,
    int Version,
    string Name,
    ImmutableArray<NetworkSpec> Networks,
    ImmutableArray<ContainerSpec> Containers,
    SourceSpan Span)
{
    public NetworkSpec? FindNetwork(string name) => Networks.FirstOrDefault(n => n.Name == name);

    public ContainerSpec? FindContainer(string name) => Containers.FirstOrDefault(c => c.Name == name);
}

public enum NetworkDriver { Bridge, Macvlan }

/// <summary>
/// A network as declared. Null means "not given": the resolver fills in the default.
/// <see cref="Positions"/> maps a field's YAML key (e.g. <c>subnet</c>) to where its value is.
/// </summary>
public sealed record NetworkSpec(
    string Name,
    NetworkDriver Driver,
    Addressing.Ipv4Prefix? Subnet,
    Addressing.Ipv4Address? Gateway,
    Addressing.Ipv4Prefix? IpRange,
    ImmutableArray<AuxAddress> AuxAddresses,
    bool? Internal,
    bool? Icc,
    bool? Masquerade,
    int? Mtu,
    string? BridgeName,
    bool? Dns,
    string? Parent,
    /// <summary>One of the model's modes; the spec accepts all but <c>source</c> (Docker offers no such mode).</summary>
    Model.MacvlanMode? Mode,
    Addressing.Ipv4Address? HostBindingIpv4,
    ImmutableSortedDictionary<string, string> Options,
    SourceSpan Span,
    ImmutableDictionary<string, SourceSpan> Positions)
{
    /// <summary>TTL of the embedded resolver's answers for this network's names (<c>dns: {ttl: N}</c>); null: the default.</summary>
    public uint? DnsTtl { get; init; }

    /// <summary><c>enable_ipv6</c> (or Docker's <c>com.docker.network.enable_ipv6</c>): the network is dual stack.</summary>
    public bool EnableIpv6 { get; init; }

    /// <summary>The IPv6 value of <c>subnet</c>; null: from the default pool when <see cref="EnableIpv6"/>.</summary>
    public Addressing.Ipv6Prefix? Ipv6Subnet { get; init; }

    /// <summary>The IPv6 value of <c>gateway</c>; null: the subnet's <c>::1</c>.</summary>
    public Addressing.Ipv6Address? Ipv6Gateway { get; init; }

    /// <summary>The IPv6 value of <c>ip_range</c>.</summary>
    public Addressing.Ipv6Prefix? Ipv6Range { get; init; }

    /// <summary>Where an IPv6 value was written: <c>subnet</c>'s IPv6 entry is at <c>At(Ipv6Field("subnet"))</c>.</summary>
    public static string Ipv6Field(string field) => "ipv6 " + field;

    public SourceSpan At(string field) => Positions.TryGetValue(field, out var span) ? span : Span;
}

/// <summary>A named address of either family that IPAM never hands out (<c>--aux-address</c>).</summary>
public sealed record AuxAddress(string Name, Addressing.IpAddress Address, SourceSpan Span);

public enum NetworkModeKind { Networks, Host, None, Container }

/// <summary>
/// A container's network set-up. With <see cref="NetworkModeKind.Networks"/> it has its own
/// namespace and one interface per attachment; with Container it shares <see cref="ModeTarget"/>'s.
/// </summary>
public sealed record ContainerSpec(
    string Name,
    NetworkModeKind Mode,
    string? ModeTarget,
    ImmutableArray<AttachmentSpec> Networks,
    ImmutableArray<PortSpec> Ports,
    SourceSpan Span,
    ImmutableDictionary<string, SourceSpan> Positions)
{
    public SourceSpan At(string field) => Positions.TryGetValue(field, out var span) ? span : Span;
}

/// <summary>One entry of a container's <c>networks:</c>, long or short form.</summary>
public sealed record AttachmentSpec(
    string Network,
    Addressing.Ipv4Address? Ipv4,
    ImmutableArray<string> Aliases,
    int GwPriority,
    Addressing.MacAddress? MacAddress,
    SourceSpan Span,
    ImmutableDictionary<string, SourceSpan> Positions)
{
    /// <summary>A static IPv6 address on a network with IPv6 (<c>ipv6:</c>, Docker's <c>--ip6</c>).</summary>
    public Addressing.Ipv6Address? Ipv6 { get; init; }

    public SourceSpan At(string field) => Positions.TryGetValue(field, out var span) ? span : Span;
}

public enum Protocol { Tcp, Udp }

/// <summary>
/// <c>[host_ip:]host_port:container_port[/tcp|/udp]</c>, or the long form with the same fields.
/// A range (<c>8000-8100:9000-9100</c>) is <see cref="Count"/> consecutive ports from each start,
/// as Docker maps them: host port <c>HostPort + i</c> to container port <c>ContainerPort + i</c>.
/// </summary>
public sealed record PortSpec(
    /// <summary>The host address, either family; null: every address (of each family the network has).</summary>
    Addressing.IpAddress? HostIp,
    int HostPort,
    int ContainerPort,
    Protocol Protocol,
    SourceSpan Span,
    int Count = 1)
{
    public int HostPortLast => HostPort + Count - 1;

    public int ContainerPortLast => ContainerPort + Count - 1;

    /// <summary><c>8080</c>, or <c>8000-8100</c> for a range.</summary>
    public string HostPorts => Range(HostPort, HostPortLast);

    public string ContainerPorts => Range(ContainerPort, ContainerPortLast);

    public static string Range(int first, int last) => first == last
        ? first.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{first}-{last}");

    public override string ToString() =>
        $"{HostIp switch { null => "", { IsV6: true } ip => $"[{ip}]:", { } ip => ip + ":" }}{HostPorts}:{ContainerPorts}/{Protocol.ToString().ToLowerInvariant()}";
}
