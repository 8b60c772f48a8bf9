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
    private readonly Dictionary<(int Index, int Link), List<(NamespaceSnapshot Where, string Name)>> _ends = [];

    public VethPeers(NamespaceSnapshot host, IEnumerable<NamespaceSnapshot> named)
    {
        foreach (var snapshot in named.Prepend(host))
        {
            foreach (var link in snapshot.Links)
            {
                if (link.KindData is not VethData || link.Link is not { } other || link.Name is null) continue;
                if (!_ends.TryGetValue((link.Index, other), out var list)) _ends[(link.Index, other)] = list = [];
                list.Add((snapshot, link.Name));
            }
        }
    }

    /// <summary>The veth outside <paramref name="from"/> whose index is <paramref name="peerIndex"/> and whose IFLA_LINK is <paramref name="link"/>'s index.</summary>
    public LinkRef? Find(LinkMessage link, int peerIndex, NamespaceSnapshot from)
    {
        if (!_ends.TryGetValue((peerIndex, link.Index), out var candidates)) return null;
        foreach (var (where, name) in candidates)
        {
            if (where != from) return new LinkRef(where.Name, name);
        }
        return null;
    }
}
