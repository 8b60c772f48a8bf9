using Topo.Core.Model;

namespace Topo.Core.Planning;

/// <summary>
/// Applies a plan to a state in memory, with the kernel's side effects (a namespace takes its
/// links along, a veth its peer, a link its addresses and routes, a link's last address its
/// routes; any name its /etc/netns/NAME files). What a host converged on a
/// plan looks like, without a host: used by <c>topo plan --against</c> and by property tests.
/// </summary>
public static class PlanSimulator
{
    public static HostState Apply(HostState state, Plan plan)
    {
        var objects = new Dictionary<(ResourceKind, string), Resource>();
        foreach (var r in state.All()) objects[(r.Kind, r.Key)] = r;
        foreach (var (action, step) in plan.Steps())
        {
            if (step == StepKind.Remove)
            {
                Remove(objects, action.Before!);
                foreach (var inc in action.Kind == ActionKind.Delete ? action.Includes : []) Remove(objects, inc);
            }
            else
            {
                foreach (var r in action.Includes.Prepend(action.After!)) objects[(r.Kind, r.Key)] = r;
                // A new bridge has the kernel's defaults for the settings topo reads for every bridge
                // a file uses (route_localnet 0; accept_ra 1, the host's usual default); a plan that
                // wants others sets them after the bridge is made.
                if (action.After is LinkState { Namespace: HostState.Host, Type: LinkKind.Bridge } bridge)
                {
                    foreach (var setting in new[]
                             {
                                 new SysctlState(HostState.Host, Resolution.BridgeSysctls.RouteLocalnet(bridge.Name), "0"),
                                 new SysctlState(HostState.Host, Resolution.BridgeSysctls.AcceptRa(bridge.Name), "1"),
                             })
                        objects.TryAdd((setting.Kind, setting.Key), setting);
                }
            }
        }
        // Nothing a plan does changes the host's own resolver configuration.
        return HostState.From(objects.Values) with { HostResolvConf = state.HostResolvConf };
    }

    private static void Remove(Dictionary<(ResourceKind, string), Resource> objects, Resource gone)
    {
        objects.Remove((gone.Kind, gone.Key));
        switch (gone)
        {
            case AddressState address when !objects.Values.Any(r => r is AddressState a && a.LinkRef == address.LinkRef && a.Address.IsV6 == address.Address.IsV6):
                // A link left without an address of a family loses every route of that family through it
                // (IPv4: fib_disable_ip; IPv6: the applier turns IPv6 off on the link).
                RemoveWhere(objects, r => r is RouteState { Device: { } dev } route && new LinkRef(route.Namespace, dev) == address.LinkRef &&
                    route.Destination.IsV6 == address.Address.IsV6);
                break;
            case FirewallTableState table:
                // Its own family only: topo's old ip table goes while the inet one of the same name stays.
                RemoveWhere(objects, r => r is not FirewallTableState && FirewallTableState.TableOf(r) == table.Name &&
                                          FirewallTableState.FamilyOf(r) == table.Family);
                break;
            case NamespaceState { SharesWith: null } ns:
                RemoveWhere(objects, r => r.Namespace == ns.Name || r is LinkState { Peer: { } p } && p.Namespace == ns.Name);
                break;
            case NamespaceState shared:
                // A second name takes only its /etc/netns/NAME directory along.
                RemoveWhere(objects, r => r is NamespaceFileState f && f.Namespace == shared.Name);
                break;
            case LinkState link:
                // An interface's own settings (net.ipv4.conf.NAME.*, net.ipv6.conf.NAME.*) go with it.
                if (link.Namespace == HostState.Host)
                    RemoveWhere(objects, r => r is SysctlState { Namespace: HostState.Host } s && s.Interface == link.Name);
                var refs = new HashSet<LinkRef> { link.Ref };
                if (link.Type == LinkKind.Veth && link.Peer is { } peer)
                {
                    refs.Add(peer);
                    objects.Remove((ResourceKind.Link, peer.ToString()));
                }
                RemoveWhere(objects, r => r switch
                {
                    AddressState a => refs.Contains(a.LinkRef),
                    RouteState { Device: { } dev } route => refs.Contains(new LinkRef(route.Namespace, dev)),
                    _ => false,
                });
                // Ports of a deleted bridge are released, not deleted.
                foreach (var port in objects.Values.OfType<LinkState>()
                             .Where(l => l.Master == link.Name && l.Namespace == link.Namespace).ToList())
                    objects[(port.Kind, port.Key)] = port with { Master = null };
                break;
        }
    }

    private static void RemoveWhere(Dictionary<(ResourceKind, string), Resource> objects, Func<Resource, bool> predicate)
    {
        foreach (var key in objects.Where(kv => predicate(kv.Value)).Select(kv => kv.Key).ToList()) objects.Remove(key);
    }
}
