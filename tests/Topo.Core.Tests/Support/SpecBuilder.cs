using System.Collections.Immutable;
using Topo.Core.Addressing;
using Topo.Core.Spec;

namespace Topo.Core.Tests.Support;

/// <summary>Builds TopologyFile values in code, so resolver and planner tests do not depend on the YAML loader.</summary>
internal sealed class SpecBuilder(string project = "demo")
{
    private static readonly SourceSpan Here = new("test.yaml", 1, 1);
    private readonly List<NetworkSpec> _networks = [];
    private readonly List<ContainerSpec> _containers = [];

    public SpecBuilder Network(string name, string? subnet = null, bool? @internal = null, bool? icc = null,
        string? bridgeName = null, string? ipRange = null, string? gateway = null, string[]? aux = null,
        NetworkDriver driver = NetworkDriver.Bridge, string? parent = null, int? mtu = null)
    {
        _networks.Add(new NetworkSpec(name, driver,
            subnet is null ? null : Ipv4Prefix.Parse(subnet),
            gateway is null ? null : Ipv4Address.Parse(gateway),
            ipRange is null ? null : Ipv4Prefix.Parse(ipRange),
            [.. (aux ?? []).Select((a, i) => new AuxAddress($"aux{i}", Ipv4Address.Parse(a), Here))],
            @internal, icc, null, mtu, bridgeName, null, parent, null, null,
            ImmutableSortedDictionary<string, string>.Empty, Here, ImmutableDictionary<string, SourceSpan>.Empty));
        return this;
    }

    /// <summary>A container with no networks: it joins the default bridge.</summary>
    public SpecBuilder Container(string name) => Container(name, Array.Empty<AttachmentSpec>());

    public SpecBuilder Container(string name, params string[] networks) =>
        Container(name, networks.Select(n => Attach(n)).ToArray());

    public SpecBuilder Container(string name, params AttachmentSpec[] networks)
    {
        _containers.Add(new ContainerSpec(name, NetworkModeKind.Networks, null, [.. networks], [], Here,
            ImmutableDictionary<string, SourceSpan>.Empty));
        return this;
    }

    /// <summary>A container on <paramref name="network"/> publishing <paramref name="ports"/> (<c>[host_ip:]host:container[/udp]</c>, ports or ranges).</summary>
    public SpecBuilder Publishing(string name, string network, params string[] ports)
    {
        _containers.Add(new ContainerSpec(name, NetworkModeKind.Networks, null, [Attach(network)], [.. ports.Select(Port)], Here,
            ImmutableDictionary<string, SourceSpan>.Empty));
        return this;
    }

    private static PortSpec Port(string mapping)
    {
        var protocol = mapping.EndsWith("/udp", StringComparison.Ordinal) ? Protocol.Udp : Protocol.Tcp;
        var parts = mapping.Split('/')[0].Split(':');
        var hostIp = parts.Length == 3 ? Ipv4Address.Parse(parts[0]) : (Ipv4Address?)null;
        var (host, hostLast) = Ports(parts[^2]);
        var (container, _) = Ports(parts[^1]);
        return new PortSpec(hostIp, host, container, protocol, Here, hostLast - host + 1);

        static (int First, int Last) Ports(string text)
        {
            var range = text.Split('-');
            var first = int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
            return (first, range.Length > 1 ? int.Parse(range[1], System.Globalization.CultureInfo.InvariantCulture) : first);
        }
    }

    public SpecBuilder Mode(string name, NetworkModeKind mode, string? target = null)
    {
        _containers.Add(new ContainerSpec(name, mode, target, [], [], Here, ImmutableDictionary<string, SourceSpan>.Empty));
        return this;
    }

    public static AttachmentSpec Attach(string network, string? ipv4 = null, int gwPriority = 0) =>
        new(network, ipv4 is null ? null : Ipv4Address.Parse(ipv4), [], gwPriority, null, Here,
            ImmutableDictionary<string, SourceSpan>.Empty);

    public SpecBuilder WithoutContainer(string name)
    {
        _containers.RemoveAll(c => c.Name == name);
        return this;
    }

    public TopologyFile Build() => new("test.yaml", 1, project, [.. _networks], [.. _containers], Here);
}
