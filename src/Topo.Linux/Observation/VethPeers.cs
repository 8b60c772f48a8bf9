using Topo.Core.Model;
using Topo.Linux.Netlink.LinkKinds;
using Topo.Linux.Netlink.Messages;

namespace Topo.Linux.Observation;

/// <summary>
/// Every veth end of the observed namespaces by (its index, its IFLA_LINK), so the other end of
/// a veth is one lookup instead of a search through every namespace (500 host veths times 500
/// namespaces). Ends are kept in the order the search went: the host first, then the named ones.
/// </summary>
internal sealed class VethPeers
{
    /// <summary>The first end under each key; the rest, rare (equal indexes in several namespaces), chained.</summary>
    private readonly Dictionary<(int Index, int Link), End> _ends = [];

    /// <summary>One veth end; a class, so the first of a key needs no list (a list per veth was most of this index's cost at 2,000 namespaces).</summary>
    private sealed class End(NamespaceSnapshot where, string name)
    {
        public NamespaceSnapshot Where { get; } = where;
        public string Name { get; } = name;
        public End? Next { get; set; }
    }

    public VethPeers(NamespaceSnapshot host, IEnumerable<NamespaceSnapshot> named)
    {
        Add(host);
        foreach (var snapshot in named) Add(snapshot);
    }

    private void Add(NamespaceSnapshot snapshot)
    {
        foreach (var link in snapshot.Links)
        {
            if (link.KindData is not VethData || link.Link is not { } other || link.Name is null) continue;
            var end = new End(snapshot, link.Name);
            if (!_ends.TryGetValue((link.Index, other), out var first))
            {
                _ends[(link.Index, other)] = end;
                continue;
            }
            var last = first;
            while (last.Next is { } next) last = next;
            last.Next = end;
        }
    }

    /// <summary>The veth outside <paramref name="from"/> whose index is <paramref name="peerIndex"/> and whose IFLA_LINK is <paramref name="link"/>'s index.</summary>
    public LinkRef? Find(LinkMessage link, int peerIndex, NamespaceSnapshot from)
    {
        _ends.TryGetValue((peerIndex, link.Index), out var candidate);
        for (; candidate is not null; candidate = candidate.Next)
        {
            if (candidate.Where != from) return new LinkRef(candidate.Where.Name, candidate.Name);
        }
        return null;
    }
}
