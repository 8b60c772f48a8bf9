using System.Collections.Immutable;
using Topo.Core.Model;

namespace Topo.Core.Planning;

/// <summary>
/// Finds, for each action in order, the earlier actions it needs: by the names it references
/// (namespace, master, parent, peer, link), looked up in indexes rather than by scanning, so
/// plans of thousands of actions stay linear.
/// </summary>
internal sealed class DependencyIndex
{
    private readonly Dictionary<string, int> _namespaces = [];
    private readonly Dictionary<LinkRef, int> _links = [];
    private readonly Dictionary<LinkRef, List<int>> _addressesByLink = [];
    private readonly Dictionary<LinkRef, List<int>> _deletedPortsByMaster = [];
    private readonly Dictionary<string, List<int>> _deletedLinksByNamespace = [];
    private readonly Dictionary<(ResourceKind, string), int> _deleted = [];

    public void Add(ActionKind kind, Resource subject, ImmutableArray<Resource> includes, int id)
    {
        if (kind == ActionKind.Delete)
        {
            _deleted[(subject.Kind, subject.Key)] = id;
            if (subject is LinkState link)
            {
                if (link.Master is { } master) Append(_deletedPortsByMaster, new LinkRef(link.Namespace, master), id);
                Append(_deletedLinksByNamespace, link.Namespace, id);
                if (link.Peer is { } peer) Append(_deletedLinksByNamespace, peer.Namespace, id);
            }
            return;
        }
        foreach (var r in includes.Prepend(subject))
        {
            switch (r)
            {
                case NamespaceState ns: _namespaces[ns.Name] = id; break;
                case LinkState l: _links[l.Ref] = id; break;
                case AddressState a: Append(_addressesByLink, a.LinkRef, id); break;
            }
        }
    }

    public ImmutableArray<int> DependenciesOf(ActionKind kind, Resource subject, ImmutableArray<Resource> includes)
    {
        var result = new SortedSet<int>();
        if (kind == ActionKind.Delete)
        {
            // A bridge goes after its ports; a namespace after the links in or reaching into it.
            if (subject is LinkState bridge && _deletedPortsByMaster.TryGetValue(bridge.Ref, out var ports)) result.UnionWith(ports);
            if (subject is NamespaceState ns && _deletedLinksByNamespace.TryGetValue(ns.Name, out var links)) result.UnionWith(links);
            return [.. result];
        }
        // Something deleted under the same name must be gone first.
        if (_deleted.TryGetValue((subject.Kind, subject.Key), out var sameName)) result.Add(sameName);
        foreach (var r in includes.Prepend(subject)) AddReferences(r, result);
        return [.. result];
    }

    private void AddReferences(Resource r, SortedSet<int> result)
    {
        if (r.Namespace != HostState.Host) Lookup(_namespaces, r.Namespace, result);
        switch (r)
        {
            case NamespaceState { SharesWith: { } shared }:
                Lookup(_namespaces, shared, result);
                break;
            case LinkState l:
                if (l.Master is { } master) Lookup(_links, new LinkRef(l.Namespace, master), result);
                if (l.Parent is { } parent) Lookup(_links, parent, result);
                if (l.Peer is { } peer)
                {
                    Lookup(_links, peer, result);
                    if (peer.Namespace != HostState.Host) Lookup(_namespaces, peer.Namespace, result);
                }
                break;
            case AddressState a:
                Lookup(_links, a.LinkRef, result);
                break;
            case SysctlState { Interface: { } iface } sysctl:
                Lookup(_links, new LinkRef(sysctl.Namespace, iface), result);
                break;
            case RouteState { Device: { } dev } route:
                var link = new LinkRef(route.Namespace, dev);
                Lookup(_links, link, result);
                // The gateway is reachable only once the link has its address.
                if (_addressesByLink.TryGetValue(link, out var addresses)) result.UnionWith(addresses);
                break;
        }
    }

    private static void Lookup<TKey>(Dictionary<TKey, int> index, TKey key, SortedSet<int> result) where TKey : notnull
    {
        if (index.TryGetValue(key, out var id)) result.Add(id);
    }

    private static void Append<TKey>(Dictionary<TKey, List<int>> index, TKey key, int id) where TKey : notnull
    {
        if (!index.TryGetValue(key, out var list)) index[key] = list = [];
        list.Add(id);
    }
}
