using System.Collections.Immutable;
using Topo.Core.Addressing;
using Topo.Core.Resolution;
using Topo.Core.Spec;

namespace Topo.Core.Dns;

/// <summary>
/// The resolved topology → one <see cref="DnsView"/> per container namespace that is on at least
/// one DNS-enabled network. A pure function: the watcher compares the views of two rounds and
/// touches only the resolvers whose view changed.
/// </summary>
public static class DnsViews
{
    /// <summary>Answers change as containers come and go: short enough to follow, long enough to spare a busy client a round trip per query.</summary>
    public const uint DefaultTtl = 10;

    public static ImmutableArray<DnsView> Build(Topology topology)
    {
        var networks = topology.Networks.ToDictionary(n => n.Name);
        // Who is on each DNS-enabled network, in the file's container order.
        var members = new Dictionary<string, List<(ResolvedContainer Container, ResolvedEndpoint Endpoint)>>();
        foreach (var c in topology.Containers)
        {
            if (c.Mode != NetworkModeKind.Networks) continue;
            foreach (var e in c.Endpoints)
            {
                if (!networks.TryGetValue(e.Network, out var n) || !n.Dns) continue;
                if (!members.TryGetValue(e.Network, out var list)) members[e.Network] = list = [];
                list.Add((c, e));
            }
        }
        // Reverse lookups inside a bridge network's subnet are ours to answer; a macvlan subnet is
        // a real LAN whose other hosts the upstream server may know.
        ImmutableArray<Ipv4Prefix> ownSubnets =
            [.. topology.Networks.Where(n => n.Driver == NetworkDriver.Bridge).Select(n => n.Subnet).Distinct().Order()];

        var views = ImmutableArray.CreateBuilder<DnsView>();
        foreach (var c in topology.Containers)
        {
            if (c.Mode != NetworkModeKind.Networks || c.Namespace is not { } ns) continue;
            var visible = c.Endpoints.Where(e => members.ContainsKey(e.Network)).Select(e => e.Network).Distinct().ToList();
            if (visible.Count == 0) continue;
            views.Add(ViewOf(ns, visible, networks, members, ownSubnets));
        }
        return views.ToImmutable();
    }

    private static DnsView ViewOf(
        string ns, List<string> visible, Dictionary<string, ResolvedNetwork> networks,
        Dictionary<string, List<(ResolvedContainer Container, ResolvedEndpoint Endpoint)>> members,
        ImmutableArray<Ipv4Prefix> ownSubnets)
    {
        // A name seen on several of the asker's networks answers with the first network's holders
        // (the asker's network order), so every address returned is one it can reach directly.
        var names = new Dictionary<string, (string Network, List<Ipv4Address> Addresses, uint Ttl)>(StringComparer.Ordinal);
        var pointers = new Dictionary<Ipv4Address, DnsPointer>();
        foreach (var network in visible)
        {
            var ttl = networks[network].DnsTtl;
            foreach (var (holder, endpoint) in members[network])
            {
                var own = new List<string>(2 + endpoint.Aliases.Length * 2) { Lower(holder.Name) };
                foreach (var alias in endpoint.Aliases) own.Add(Lower(alias));
                var qualified = own.Select(n => $"{n}.{network}").ToList();
                foreach (var name in own.Concat(qualified).Distinct())
                {
                    if (!names.TryGetValue(name, out var entry)) names[name] = entry = (network, [], ttl);
                    if (entry.Network == network && !entry.Addresses.Contains(endpoint.Address)) entry.Addresses.Add(endpoint.Address);
                }
                if (!pointers.ContainsKey(endpoint.Address))
                    pointers[endpoint.Address] = new DnsPointer(endpoint.Address, [.. own.Distinct(), qualified[0]], ttl);
            }
        }
        return new DnsView(
            ns,
            [.. names.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new DnsName(kv.Key, [.. kv.Value.Addresses], kv.Value.Ttl))],
            [.. pointers.Values.OrderBy(p => p.Address)],
            ownSubnets);
    }

    private static string Lower(string name) => name.ToLowerInvariant();
}
