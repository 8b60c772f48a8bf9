using System.Collections.Immutable;
using Topo.Core.Addressing;
using Topo.Core.Model;
using Topo.Core.Spec;

namespace Topo.Core.Resolution;

public static partial class Resolver
{
    private enum SubnetUseKind
    {
        /// <summary>An address of an interface topo does not own.</summary>
        Foreign,
        /// <summary>A network of another project: its bridge's address, or its macvlan endpoints.</summary>
        OtherProject,
        /// <summary>The shared default bridge while other projects use it: it stays, with its subnet.</summary>
        DefaultBridge,
        /// <summary>A route topo does not own: avoided by default pools, not refused when declared.</summary>
        Route,
    }

    /// <summary>A subnet held on the host by something other than this project, and how to name it in an error.</summary>
    private sealed record SubnetUse(Ipv4Prefix Subnet, SubnetUseKind Kind, string What, string? Link = null)
    {
        /// <summary>Whether this use stands in the way of <paramref name="network"/>.</summary>
        public bool Concerns(NetworkSpec network) => Kind switch
        {
            SubnetUseKind.DefaultBridge => network.Name != Naming.DefaultBridgeNetwork,
            // A macvlan network is usually the LAN of its parent: the host's own address there is expected.
            SubnetUseKind.Foreign or SubnetUseKind.Route =>
                !(network.Driver == NetworkDriver.Macvlan && Link is not null && Link == network.Parent),
            _ => true,
        };
    }

    /// <summary>
    /// Subnets others use on the host: addresses of the host's interfaces that are not this
    /// project's (foreign ones, other projects' bridges, the default bridge while others use it),
    /// other projects' macvlan networks (seen on their containers' interfaces), and routes not
    /// belonging to this project.
    /// </summary>
    private static List<SubnetUse> SubnetsInUseOnHost(ResolveContext context, SharedBridge? shared)
    {
        var list = new List<SubnetUse>();
        HashSet<LinkRef>? macvlans = null;
        var seen = new HashSet<Label>();
        foreach (var a in context.Observed.Addresses)
        {
            if (a.Address.IsV6) continue;
            var owner = a.Owner;
            if (a.Namespace == HostState.Host)
            {
                if (owner is null)
                    list.Add(new(a.Address.V4.Network, SubnetUseKind.Foreign, $"{a.Address} on interface {a.Link}, which topo does not own", a.Link));
                else if (owner.IsShared)
                {
                    if (shared is not null)
                        list.Add(new(a.Address.V4.Network, SubnetUseKind.DefaultBridge,
                            $"the default bridge {a.Link} ({a.Address}), which {Projects(shared.Projects)} use{(shared.Projects.Length == 1 ? "s" : "")}"));
                }
                else if (owner.Project != context.Project)
                {
                    list.Add(new(a.Address.V4.Network, SubnetUseKind.OtherProject, owner.Role == LabelRole.Network
                        ? $"network '{owner.Name}' of project '{owner.Project}' ({a.Address} on bridge {a.Link})"
                        : $"{a.Address} on interface {a.Link} of project '{owner.Project}'"));
                }
            }
            else if (owner is { Role: LabelRole.Endpoint, IsShared: false } e && e.Project != context.Project &&
                     e.Network != Naming.DefaultBridgeNetwork)
            {
                // Bridge networks are seen on their bridge; macvlan networks only on their containers.
                macvlans ??= [.. context.Observed.Links.Where(l => l.Type == LinkKind.Macvlan).Select(l => l.Ref)];
                if (!macvlans.Contains(a.LinkRef) || !seen.Add(new Label(e.Project, LabelRole.Network, e.Network!))) continue;
                list.Add(new(a.Address.V4.Network, SubnetUseKind.OtherProject,
                    $"macvlan network '{e.Network}' of project '{e.Project}' (container '{e.Container}' has {a.Address})"));
            }
        }
        foreach (var r in context.Observed.Routes)
            if (r.Namespace == HostState.Host && !r.IsDefault && !r.Destination.IsV6 && !context.IsOurs(r))
                list.Add(new(r.Destination.V4.Network, SubnetUseKind.Route,
                    $"route {r.Destination}{(r.Device is { } dev ? " dev " + dev : "")}", r.Device));
        return list;
    }

    /// <summary>
    /// A subnet the file gives must not overlap one in use on the host (Docker: "Pool overlaps
    /// with other one on this address space"): the error names what holds it. Routes are not
    /// counted here: a route to a wider prefix (a VPN's 10.0.0.0/8) is no address conflict.
    /// </summary>
    private static void CheckDeclaredSubnets(ResolveContext context, List<NetworkSpec> specs, List<SubnetUse> inUse)
    {
        foreach (var network in specs)
        {
            if (network.Subnet is not { } declared) continue;
            var subnet = declared.Network;
            var clashes = inUse
                .Where(u => u.Kind != SubnetUseKind.Route && u.Subnet.Overlaps(subnet) && u.Concerns(network))
                .Select(u => u.What).Distinct().ToList();
            if (clashes.Count == 0) continue;
            context.Error(network.At("subnet"),
                $"network '{network.Name}': subnet {subnet} overlaps {string.Join("; and ", clashes)}; choose another subnet");
        }
    }

    /// <summary>The default bridge as it is on the host, and the other projects that use it.</summary>
    private sealed record SharedBridge(LinkState Link, ImmutableArray<AddressState> Addresses, ImmutableArray<string> Projects);

    private static readonly Label DefaultBridgeLabel = new(Label.SharedProject, LabelRole.Network, Naming.DefaultBridgeNetwork);

    /// <summary>
    /// The default bridge when another project uses it: it has containers of that project
    /// attached, or that project's firewall table has elements for it (a project that declares
    /// <c>bridge</c> without attaching anything). Null when the bridge is absent or this project's alone.
    /// </summary>
    private static SharedBridge? SharedDefaultBridge(ResolveContext context)
    {
        var observed = context.Observed;
        var link = observed.Links.FirstOrDefault(l =>
            l.Namespace == HostState.Host && l.Type == LinkKind.Bridge && DefaultBridgeLabel.Equals(l.Owner));
        if (link is null) return null;
        var projects = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var l in observed.Links)
            if (l.Namespace == HostState.Host && l.Master == link.Name && l.Owner is { IsShared: false } o && o.Project != context.Project)
                projects.Add(o.Project);
        var ourTable = FirewallTableState.NameFor(context.Project);
        foreach (var r in observed.Firewall)
            if (DefaultBridgeLabel.Equals(r.Owner) && FirewallTableState.TableOf(r) is { } table && table != ourTable &&
                table.StartsWith(FirewallTableState.Prefix, StringComparison.Ordinal))
                projects.Add(table[FirewallTableState.Prefix.Length..]);
        if (projects.Count == 0) return null;
        return new SharedBridge(link,
            [.. observed.Addresses.Where(a => a.Namespace == HostState.Host && a.Link == link.Name && !a.Address.IsV6)], [.. projects]);
    }

    /// <summary>
    /// The default bridge is one interface for every project: while another project uses it, its
    /// subnet, gateway and MTU are what it already has. The file may leave them out (it then gets
    /// them) or repeat them; a different value is an error at that value, naming the projects.
    /// Otherwise two projects would take turns re-addressing it on every apply.
    /// </summary>
    private static NetworkSpec PinDefaultBridge(ResolveContext context, NetworkSpec bridge, SharedBridge shared)
    {
        var name = shared.Link.Name;
        var who = $"the default bridge is shared, and while {Projects(shared.Projects)} use{(shared.Projects.Length == 1 ? "s" : "")} it its settings are fixed by what {name} already has";
        var current = bridge.Subnet is { } wanted
            ? shared.Addresses.FirstOrDefault(a => a.Address.V4.Network == wanted.Network)
            : shared.Addresses.FirstOrDefault();
        if (bridge.Subnet is { } declared && current is null && !shared.Addresses.IsEmpty)
        {
            var there = string.Join(", ", shared.Addresses.Select(a => a.Address.Network));
            context.Error(bridge.At("subnet"),
                $"network 'bridge': subnet {declared.Network} differs from {name}'s {there}; {who}: leave subnet out or set it to {there}");
        }
        if (bridge.Gateway is { } gateway && current is not null && gateway != current.Address.V4.Address)
            context.Error(bridge.At("gateway"),
                $"network 'bridge': gateway {gateway} differs from {name}'s {current.Address.V4.Address}; {who}: leave gateway out or set it to {current.Address.V4.Address}");
        if (bridge.Mtu is { } mtu && shared.Link.Mtu is { } mtuThere && mtu != mtuThere)
            context.Error(bridge.At("mtu"),
                $"network 'bridge': mtu {mtu} differs from {name}'s {mtuThere}; {who}: leave mtu out or set it to {mtuThere}");
        return bridge with
        {
            Subnet = current?.Address.V4.Network ?? bridge.Subnet,
            Gateway = current?.Address.V4.Address ?? bridge.Gateway,
            Mtu = bridge.Mtu ?? shared.Link.Mtu,
        };
    }

    private static string Projects(ImmutableArray<string> projects) =>
        (projects.Length == 1 ? "project " : "projects ") + string.Join(", ", projects.Select(p => $"'{p}'"));
}
