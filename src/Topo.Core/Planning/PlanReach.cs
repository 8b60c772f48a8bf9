using Topo.Core.Model;

namespace Topo.Core.Planning;

/// <summary>Where a plan reaches: the namespaces that applying it can change.</summary>
public static class PlanReach
{
    /// <summary>
    /// Every namespace an action of <paramref name="plan"/> changes or names: its subject's
    /// namespace (before and after), the namespaces it creates or deletes, those of a veth's peer
    /// and a macvlan's parent, and of everything it includes. The host is always in it.
    /// The union of <see cref="KernelNamespaces"/> and <see cref="FileNamespaces"/>.
    /// </summary>
    public static IReadOnlySet<string> Namespaces(Plan plan)
    {
        var reach = new HashSet<string>(KernelNamespaces(plan), StringComparer.Ordinal);
        reach.UnionWith(FileNamespaces(plan));
        return reach;
    }

    /// <summary>
    /// The namespaces whose kernel objects (links, addresses, routes, the namespace itself) an
    /// action changes or names; the host is always in it. A file action writes /etc/netns/NS and
    /// changes nothing in the kernel, so one more container on a network reaches that container
    /// here, not the neighbours whose hosts files list it.
    /// </summary>
    public static IReadOnlySet<string> KernelNamespaces(Plan plan)
    {
        var reach = new HashSet<string>(StringComparer.Ordinal) { HostState.Host };
        foreach (var action in plan.Actions)
        {
            if (action.Subject is NamespaceFileState) continue;
            Add(reach, action.Before);
            Add(reach, action.After);
            foreach (var included in action.Includes) Add(reach, included);
        }
        return reach;
    }

    /// <summary>
    /// The names whose /etc/netns/NAME files an action writes or deletes, or whose directory goes
    /// or comes with the name (a namespace created, deleted or re-created).
    /// </summary>
    public static IReadOnlySet<string> FileNamespaces(Plan plan)
    {
        var reach = new HashSet<string>(StringComparer.Ordinal);
        foreach (var action in plan.Actions)
        {
            switch (action.Subject)
            {
                case NamespaceFileState file: reach.Add(file.Namespace); break;
                case NamespaceState ns: reach.Add(ns.Name); break;
            }
        }
        return reach;
    }

    /// <summary>
    /// The host links applying <paramref name="plan"/> can change, by name: every host link an
    /// action changes or names (its subject, a veth's peer, a macvlan's parent, a port's bridge, an
    /// address's or route's link, an interface setting's interface, what it includes); and, from
    /// what was <paramref name="observed"/> before, the ports and children of a host link an action
    /// changes, and every host link whose peer lives in a namespace the plan reaches. The caller
    /// reads everything again when deleting a link can take others with it (a macvlan parent).
    /// </summary>
    public static IReadOnlySet<string> HostLinks(Plan plan, HostState observed)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var changed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var action in plan.Actions)
        {
            if (action.Subject is LinkState { Namespace: HostState.Host } subject) changed.Add(subject.Name);
            AddHostLinks(names, action.Before);
            AddHostLinks(names, action.After);
            foreach (var included in action.Includes) AddHostLinks(names, included);
        }
        var namespaces = KernelNamespaces(plan);
        foreach (var link in observed.Links)
        {
            if (link.Namespace != HostState.Host) continue;
            if (link.Peer is { } peer && peer.Namespace != HostState.Host && namespaces.Contains(peer.Namespace)) names.Add(link.Name);
            // A bridge changed or gone changes its ports; a parent, its macvlans.
            if (link.Master is { } master && changed.Contains(master)) names.Add(link.Name);
            if (link.Parent is { Namespace: HostState.Host } parent && changed.Contains(parent.Name)) names.Add(link.Name);
            if (names.Contains(link.Name) && link.Master is { } bridge) names.Add(bridge);
        }
        return names;
    }

    private static void AddHostLinks(HashSet<string> names, Resource? resource)
    {
        switch (resource)
        {
            case LinkState link:
                if (link.Namespace == HostState.Host)
                {
                    names.Add(link.Name);
                    if (link.Master is { } master) names.Add(master);
                }
                if (link.Peer is { Namespace: HostState.Host } peer) names.Add(peer.Name);
                if (link.Parent is { Namespace: HostState.Host } parent) names.Add(parent.Name);
                break;
            case AddressState { Namespace: HostState.Host } address:
                names.Add(address.Link);
                break;
            case RouteState { Namespace: HostState.Host, Device: { } device }:
                names.Add(device);
                break;
            case SysctlState { Namespace: HostState.Host, Interface: { } iface }:
                names.Add(iface);
                break;
        }
    }

    private static void Add(HashSet<string> reach, Resource? resource)
    {
        switch (resource)
        {
            case null:
                return;
            case NamespaceState ns:
                reach.Add(ns.Name);
                if (ns.SharesWith is { } root) reach.Add(root);
                break;
            case LinkState link:
                if (link.Peer is { } peer) reach.Add(peer.Namespace);
                if (link.Parent is { } parent) reach.Add(parent.Namespace);
                break;
        }
        reach.Add(resource.Namespace);
    }
}
