using System.Collections.Immutable;
using Topo.Core.Addressing;
using Topo.Core.Resolution;
using Topo.Core.Spec;

namespace Topo.Core.Dns;

/// <summary>
/// The resolved topology → one <see cref="DnsView"/> per container namespace that is on at least
/// one DNS-enabled network. A pure function, linear in the number of endpoints: each network's
/// zone is built once and shared by its members' views. Given the previous round's views, a zone
/// that did not change is reused as the same instance, so comparing two rounds' views is cheap
/// and a resolver can tell "unchanged" by reference.
/// </summary>
public static class DnsViews
{
    public static ImmutableArray<DnsView> Build(Topology topology, IReadOnlyList<DnsView>? previous = null)
    {
        var zones = BuildZones(topology, previous);
        // Reverse lookups inside a bridge network's subnet are ours to answer; a macvlan subnet is
        // a real LAN whose other hosts the upstream server may know.
        ImmutableArray<Ipv4Prefix> ownSubnets =
            [.. topology.Networks.Where(n => n.Driver == NetworkDriver.Bridge).Select(n => n.Subnet).Distinct().Order()];

        ImmutableArray<Ipv6Prefix> ownIpv6 =
            [.. topology.Networks.Where(n => n.Driver == NetworkDriver.Bridge && n.Ipv6Subnet is not null).Select(n => n.Ipv6Subnet!.Value).Distinct().Order()];

        var views = ImmutableArray.CreateBuilder<DnsView>();
        foreach (var c in topology.Containers)
        {
            if (c.Mode != NetworkModeKind.Networks || c.Namespace is not { } ns) continue;
            // The container's own network order: a name on several of its networks answers with
            // the first one's holders, so every address returned is one it reaches directly.
            ImmutableArray<DnsZone> seen = [.. c.Endpoints.Select(e => zones.GetValueOrDefault(e.Network)).OfType<DnsZone>().Distinct()];
            if (seen.IsEmpty) continue;
            views.Add(new DnsView(ns, seen, ownSubnets) { OwnIpv6Subnets = ownIpv6 });
        }
        return views.ToImmutable();
    }

    private static Dictionary<string, DnsZone> BuildZones(Topology topology, IReadOnlyList<DnsView>? previous)
    {
        var earlier = new Dictionary<string, DnsZone>(StringComparer.Ordinal);
        foreach (var view in previous ?? [])
            foreach (var zone in view.Zones) earlier.TryAdd(zone.Network, zone);

        var zones = new Dictionary<string, DnsZone>(StringComparer.Ordinal);
        foreach (var network in topology.Networks)
        {
            if (!network.Dns) continue;
            var zone = ZoneOf(network, topology.Containers);
            zones[network.Name] = earlier.TryGetValue(network.Name, out var old) && old.Equals(zone) ? old : zone;
        }
        return zones;
    }

    private static DnsZone ZoneOf(ResolvedNetwork network, ImmutableArray<ResolvedContainer> containers)
    {
        var names = new Dictionary<string, List<Ipv4Address>>(StringComparer.Ordinal);
        var pointers = new Dictionary<Ipv4Address, ImmutableArray<string>>();
        var names6 = new Dictionary<string, List<Ipv6Address>>(StringComparer.Ordinal);
        var pointers6 = new Dictionary<Ipv6Address, ImmutableArray<string>>();
        foreach (var c in containers)
        {
            if (c.Mode != NetworkModeKind.Networks) continue;
            foreach (var e in c.Endpoints)
            {
                if (e.Network != network.Name) continue;
                var own = new List<string>(1 + e.Aliases.Length) { c.Name.ToLowerInvariant() };
                foreach (var alias in e.Aliases)
                {
                    var a = alias.ToLowerInvariant();
                    if (!own.Contains(a)) own.Add(a);
                }
                var qualified = own.Select(n => $"{n}.{network.Name}");
                foreach (var name in own.Concat(qualified))
                {
                    if (!names.TryGetValue(name, out var addresses)) names[name] = addresses = [];
                    if (!addresses.Contains(e.Address)) addresses.Add(e.Address);
                }
                pointers.TryAdd(e.Address, [.. own, $"{own[0]}.{network.Name}"]);
                if (e.Ipv6Address is not { } v6) continue;
                foreach (var name in own.Concat(own.Select(n => $"{n}.{network.Name}")))
                {
                    if (!names6.TryGetValue(name, out var addresses)) names6[name] = addresses = [];
                    if (!addresses.Contains(v6)) addresses.Add(v6);
                }
                pointers6.TryAdd(v6, [.. own, $"{own[0]}.{network.Name}"]);
            }
        }
        return new DnsZone(
            network.Name, network.DnsTtl,
            names.Select(kv => KeyValuePair.Create(kv.Key, kv.Value.ToImmutableArray())),
            pointers.Select(kv => (kv.Key, kv.Value)),
            names6.Select(kv => KeyValuePair.Create(kv.Key, kv.Value.ToImmutableArray())),
            pointers6.Select(kv => (kv.Key, kv.Value)));
    }
}
