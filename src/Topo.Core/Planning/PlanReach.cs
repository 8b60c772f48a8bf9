using Topo.Core.Model;

namespace Topo.Core.Planning;

/// <summary>Where a plan reaches: the namespaces that applying it can change.</summary>
public static class PlanReach
{
    /// <summary>
    /// Every namespace an action of <paramref name="plan"/> changes or names: its subject's
    /// namespace (before and after), the namespaces it creates or deletes, those of a veth's peer
    /// and a macvlan's parent, and of everything it includes. The host is always in it.
    /// </summary>
    public static IReadOnlySet<string> Namespaces(Plan plan)
    {
        var reach = new HashSet<string>(StringComparer.Ordinal) { HostState.Host };
        foreach (var action in plan.Actions)
        {
            Add(reach, action.Before);
            Add(reach, action.After);
            foreach (var included in action.Includes) Add(reach, included);
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
