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
