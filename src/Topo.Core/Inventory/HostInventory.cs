using System.Collections.Immutable;
using Topo.Core.Addressing;
using Topo.Core.Model;

namespace Topo.Core.Inventory;

/// <summary>A network as found on a host: from its bridge's label and address, and its endpoints' labels.</summary>
public sealed record NetworkEntry(
    string Project,
    string Name,
    string Driver,
    string? Interface,
    Ipv4Prefix? Subnet,
    Ipv4Address? Gateway,
    ImmutableArray<EndpointEntry> Endpoints)
{
    /// <summary>No forwarding in or out (its bridge is in its project's <c>internal</c> set).</summary>
    public bool Internal { get; init; }
    /// <summary>Inter-container communication (false: its bridge is in an <c>icc-off</c> set).</summary>
    public bool Icc { get; init; } = true;
    /// <summary>Traffic out is masqueraded (its bridge is in a <c>masquerading</c> set); true when no table says.</summary>
    public bool Masquerade { get; init; } = true;
    /// <summary>The bridge's MTU; null without a bridge.</summary>
    public int? Mtu { get; init; }
    /// <summary>The IPv6 subnet (the bridge's, or a macvlan network's endpoints'); null on an IPv4-only network.</summary>
    public Ipv6Prefix? Ipv6Subnet { get; init; }
    /// <summary>The bridge's IPv6 address; without a bridge (macvlan: the gateway is outside the host), the one the file gave, from the record.</summary>
    public Ipv6Address? Ipv6Gateway { get; init; }

    /// <summary>What the kernel does not keep (range, reservations, creation time): topo's own record, when there is one.</summary>
    public NetworkRecord? Record { get; init; }
}

public sealed record EndpointEntry(string Project, string Container, string Network, string Interface, MacAddress? Mac, Ipv4Prefix? Address)
{
    /// <summary>The interface's IPv6 address; null on an IPv4-only network.</summary>
    public Ipv6Prefix? Ipv6Address { get; init; }
}

public sealed record ContainerEntry(string Project, string Name, string Namespace, string? SharesWith, ImmutableArray<EndpointEntry> Endpoints);

/// <summary>
/// What topo runs on a host, for <c>topo ls</c> and <c>topo inspect</c>, read back from labels
/// alone: the kernel is the only record, so this works for every project without its file.
/// </summary>
public sealed record HostInventory(ImmutableArray<NetworkEntry> Networks, ImmutableArray<ContainerEntry> Containers)
{
    /// <summary>
    /// <c>host</c> and <c>none</c>, which always exist and have nothing on the host to read them
    /// from: shaped as Docker shows them (driver <c>host</c> / <c>null</c>, no subnet). Null for other names.
    /// </summary>
    public static NetworkEntry? BuiltIn(string name) => name switch
    {
        Spec.BuiltIns.Host => new NetworkEntry(Label.SharedProject, name, "host", null, null, null, []),
        Spec.BuiltIns.None => new NetworkEntry(Label.SharedProject, name, "null", null, null, null, []),
        _ => null,
    };

    /// <summary>An interface's IPv6 address that topo gives (Docker, too, never shows the kernel's link-local ones).</summary>
    private static Ipv6Prefix? GlobalIpv6(HostState host, string ns, string link) =>
        host.Addresses.FirstOrDefault(a => a.Namespace == ns && a.Link == link && a.Address.IsV6 && !a.Address.V6.Address.IsLinkLocal)?.Address.V6;

    /// <param name="records">A project's records (<see cref="NetworkRecord"/>; <see cref="Label.SharedProject"/> for the default bridge), when kept.</param>
    public static HostInventory Of(HostState host, Func<string, IReadOnlyList<NetworkRecord>>? records = null)
    {
        var endpoints = host.Links
            .Where(l => l.Namespace != HostState.Host && l.Owner is { Role: LabelRole.Endpoint })
            .Select(l => new EndpointEntry(
                l.Owner!.Project, l.Owner.Container!, l.Owner.Network!, l.Name, l.Mac,
                host.Addresses.FirstOrDefault(a => a.Namespace == l.Namespace && a.Link == l.Name && !a.Address.IsV6)?.Address.V4)
            {
                Ipv6Address = GlobalIpv6(host, l.Namespace, l.Name),
            })
            .OrderBy(e => e.Container, StringComparer.Ordinal).ThenBy(e => e.Interface, StringComparer.Ordinal)
            .ToList();

        var networks = new Dictionary<(string, string), NetworkEntry>();
        foreach (var bridge in host.Links.Where(l => l.Owner is { Role: LabelRole.Network } && l.Type == LinkKind.Bridge))
        {
            var label = bridge.Owner!;
            var address = host.Addresses.FirstOrDefault(a => a.Namespace == bridge.Namespace && a.Link == bridge.Name && !a.Address.IsV6)?.Address.V4;
            var policy = BridgePolicy.Of(host.Firewall, label, bridge.Name);
            var address6 = GlobalIpv6(host, bridge.Namespace, bridge.Name);
            networks[(label.Project, label.Name)] = new NetworkEntry(label.Project, label.Name, "bridge", bridge.Name,
                address?.Network, address?.Address,
                [.. endpoints.Where(e => e.Network == label.Name && (label.IsShared || e.Project == label.Project))])
            {
                Internal = policy.Internal,
                Icc = policy.Icc,
                Masquerade = policy.Masquerade,
                Mtu = bridge.Mtu,
                Ipv6Subnet = address6?.Network,
                Ipv6Gateway = address6?.Address,
            };
        }
        // Networks without a bridge (macvlan) are known by their endpoints.
        foreach (var group in endpoints.GroupBy(e => (e.Project, e.Network)))
        {
            if (networks.ContainsKey(group.Key) || networks.Keys.Any(k => k.Item1 == Label.SharedProject && k.Item2 == group.Key.Network)) continue;
            var first = group.First();
            networks[group.Key] = new NetworkEntry(group.Key.Project, group.Key.Network, "macvlan", null,
                first.Address?.Network, null, [.. group])
            {
                Ipv6Subnet = group.Select(e => e.Ipv6Address?.Network).FirstOrDefault(s => s is not null),
            };
        }

        if (records is not null)
        {
            foreach (var group in networks.GroupBy(kv => kv.Key.Item1).ToList())
            {
                var kept = records(group.Key);
                foreach (var (key, entry) in group)
                {
                    var record = kept.FirstOrDefault(r => r.Network == entry.Name);
                    // Without a bridge the file's gateway is known only from the record, as Docker shows it only when given.
                    networks[key] = entry with
                    {
                        Record = record,
                        Gateway = entry.Gateway ?? (record?.Gateway is { } gw && entry.Subnet?.Contains(gw) == true ? gw : null),
                        Ipv6Gateway = entry.Ipv6Gateway ?? (record?.Ipv6Gateway is { } gw6 && entry.Ipv6Subnet?.Contains(gw6) == true ? gw6 : null),
                    };
                }
            }
        }

        var containers = host.Namespaces
            .Where(n => n.Owner is { Role: LabelRole.Container })
            // A shared name (container mode) shows the endpoints of the container it shares with.
            .Select(n => new ContainerEntry(n.Owner!.Project, n.Name, n.Name, n.SharesWith,
                [.. endpoints.Where(e => e.Project == n.Owner.Project && e.Container == (n.SharesWith ?? n.Name))]))
            .OrderBy(c => c.Project, StringComparer.Ordinal).ThenBy(c => c.Name, StringComparer.Ordinal)
            .ToImmutableArray();

        return new HostInventory(
            [.. networks.Values.OrderBy(n => n.Project, StringComparer.Ordinal).ThenBy(n => n.Name, StringComparer.Ordinal)],
            containers);
    }
}
