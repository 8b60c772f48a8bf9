using System.Collections.Immutable;
using Topo.Core.Model;

namespace Topo.Core.Planning;

/// <summary>The one-line "why" each action carries, written for the person reviewing the plan.</summary>
internal static class Reasons
{
    public static string Create(Resource r) => r switch
    {
        SysctlState { Name: var n } s when n.EndsWith(".route_localnet", StringComparison.Ordinal) =>
            $"{s.Name} must be {s.Value}: ports published on 127.0.0.1 reach containers behind this bridge",
        SysctlState { Name: var n } s when n.EndsWith($".{Resolution.BridgeSysctls.AcceptRaLeaf}", StringComparison.Ordinal) =>
            $"{s.Name} must be {s.Value}: containers behind this bridge must not set the host's IPv6 routes and addresses with router advertisements",
        SysctlState s => $"{s.Name} must be {s.Value}: containers route to the outside through this host",
        FirewallTableState t => $"the firewall of project '{t.Owner?.Project}' (NAT, published ports, isolation)",
        FirewallChainState c => $"base chain of the {c.Hook} hook",
        FirewallRuleState rule => rule.Comment[(rule.Comment.IndexOf(' ') + 1)..],
        FirewallSetState set => $"{(set.IsMap ? "map" : "set")} of {Firewall.FirewallSets.Purpose(set.Name)}",
        FirewallElementState element => element.Comment[(element.Comment.IndexOf(' ') + 1)..],
        NamespaceState { SharesWith: { } other } n => $"container '{n.Name}' shares the network namespace of '{other}'",
        NamespaceState n => $"container '{n.Name}' gets its own network namespace",
        LinkState { Type: LinkKind.Bridge } l => $"network '{l.Owner?.Network}' is a bridge",
        LinkState { Type: LinkKind.Vlan } l => $"macvlan parent {l.Name} is a VLAN sub-interface that does not exist yet",
        LinkState { Type: LinkKind.Veth } l => $"connects container '{l.Owner?.Container}' to network '{l.Owner?.Network}'",
        LinkState { Type: LinkKind.Macvlan } l => $"connects container '{l.Owner?.Container}' to macvlan network '{l.Owner?.Network}'",
        AddressState { Owner.Role: LabelRole.Network } a => $"gateway of network '{a.Owner?.Network}'",
        AddressState a => $"address of container '{a.Owner?.Container}' on network '{a.Owner?.Network}'",
        RouteState { IsDefault: true } rt => $"default route of container '{rt.Owner?.Container}'",
        NamespaceFileState { Name: NamespaceFileState.ResolvConf } f when f.Content.StartsWith($"nameserver {Dns.ContainerResolvConf.EmbeddedServer}\n", StringComparison.Ordinal) =>
            $"/etc/resolv.conf of container '{f.Owner?.Container}': the embedded DNS server, as it is on a DNS-enabled network",
        NamespaceFileState { Name: NamespaceFileState.ResolvConf } f =>
            $"/etc/resolv.conf of container '{f.Owner?.Container}': on no DNS-enabled network, it asks the host's nameservers (8.8.8.8 and 8.8.4.4 if none is reachable from a container)",
        NamespaceFileState { Name: NamespaceFileState.Hosts } f =>
            $"/etc/hosts of container '{f.Owner?.Container}': localhost, its own name, and its peers on its DNS-enabled networks",
        _ => "in the topology, not on the host",
    };

    public static string Recreate(Resource r) => $"made again with its namespace or interface: {Create(r)}";

    public static string RecreateRoute(RouteState r, LinkRef link) =>
        $"made again: {link} loses its last {(r.Destination.IsV6 ? "IPv6" : "IPv4")} address, and the kernel drops its routes with it: {Create(r)}";

    /// <summary>A file's content follows from the whole topology: say both ways it can fall behind.</summary>
    public const string UpdateFile = "not what the topology gives: the containers it lists changed, or it was edited by hand";

    public static string Update(ImmutableArray<AttributeChange> changes) =>
        $"differs on the host: {string.Join(", ", changes.Select(c => c.Attribute.Name()))}";

    public static string Replace(Resource r, ImmutableArray<AttributeChange> changes)
    {
        var fixedOnes = changes.Where(c => c.ForcesReplace).Select(c => c.Attribute.Name()).ToList();
        return fixedOnes.Count > 0
            ? $"{string.Join(", ", fixedOnes)} cannot change in place"
            : $"its peer is gone or being re-created; {Create(r)}";
    }

    public static string Delete(Resource r) => r.Owner switch
    {
        { Role: LabelRole.Network, IsShared: true } => "the default bridge is no longer used by any project",
        { Role: LabelRole.Network } o => $"network '{o.Name}' is no longer in the topology",
        { Role: LabelRole.Endpoint } o => $"container '{o.Container}' is no longer on network '{o.Network}'",
        { Role: LabelRole.Container } o when r is NamespaceState => $"container '{o.Name}' is no longer in the topology",
        { Role: LabelRole.Container } o => $"not part of container '{o.Name}' in the topology",
        { Role: LabelRole.Parent } o => $"network '{o.Name}' no longer needs this VLAN parent",
        _ => "no longer in the topology",
    };
}
