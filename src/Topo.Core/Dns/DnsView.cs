using System.Collections.Immutable;
using Topo.Core.Addressing;

namespace Topo.Core.Dns;

/// <summary>
/// What the embedded resolver of one container namespace answers by itself: the zones of the
/// DNS-enabled networks the container is on, in the container's network order, and the subnets
/// whose reverse lookups are never forwarded upstream. Zones are shared by every view that sees
/// the network (500 containers on one network: one zone, not 500 copies of it), so resolve
/// through <see cref="Zones"/> — a name answers from the first zone that has it.
/// Built by <see cref="DnsViews"/>; equal views mean "nothing to do".
/// </summary>
public sealed record DnsView(
    /// <summary>The named namespace the resolver listens in (127.0.0.11:53 there).</summary>
    string Namespace,
    ImmutableArray<DnsZone> Zones,
    /// <summary>Subnets of the project's bridge networks: PTR queries inside them are answered here (NXDOMAIN when unknown), never forwarded.</summary>
    ImmutableArray<Ipv4Prefix> OwnSubnets)
{
    /// <summary>The IPv6 subnets of the project's bridge networks: PTR queries under ip6.arpa inside them are answered here.</summary>
    public ImmutableArray<Ipv6Prefix> OwnIpv6Subnets { get; init; } = [];

    /// <summary>The IPv6 addresses of <paramref name="name"/>, from the first zone that has the name; empty when it has none (NODATA for AAAA).</summary>
    public bool TryResolveIpv6(string name, out ImmutableArray<Ipv6Address> addresses)
    {
        foreach (var zone in Zones)
        {
            if (!zone.Names.ContainsKey(name)) continue;
            addresses = zone.Names6.TryGetValue(name, out var found) ? found : [];
            return true;
        }
        addresses = [];
        return false;
    }

    /// <summary>The names of <paramref name="address"/>, from the first zone that has it.</summary>
    public bool TryReverse(Ipv6Address address, out ImmutableArray<string> names)
    {
        foreach (var zone in Zones)
            if (zone.Pointers6.TryGetValue(address, out names)) return true;
        names = default;
        return false;
    }

    /// <summary>The addresses of <paramref name="name"/> (any case) and their TTL, from the first zone that has it.</summary>
    public bool TryResolve(string name, out ImmutableArray<Ipv4Address> addresses, out uint ttl)
    {
        foreach (var zone in Zones)
        {
            if (zone.Names.TryGetValue(name, out addresses))
            {
                ttl = zone.Ttl;
                return true;
            }
        }
        addresses = default;
        ttl = 0;
        return false;
    }

    /// <summary>The names of <paramref name="address"/> and their TTL, from the first zone that has it.</summary>
    public bool TryReverse(Ipv4Address address, out ImmutableArray<string> names, out uint ttl)
    {
        foreach (var zone in Zones)
        {
            if (zone.Pointers.TryGetValue(address, out names))
            {
                ttl = zone.Ttl;
                return true;
            }
        }
        names = default;
        ttl = 0;
        return false;
    }

    /// <summary>True when <paramref name="address"/> lies in one of <see cref="OwnSubnets"/>.</summary>
    public bool Owns(Ipv4Address address)
    {
        foreach (var s in OwnSubnets) if (s.Contains(address)) return true;
        return false;
    }

    /// <summary>Every visible address with its names (first zone wins), in zone order then address order: what a hosts file lists.</summary>
    public IEnumerable<(Ipv4Address Address, ImmutableArray<string> Names)> AllPointers()
    {
        var seen = new HashSet<Ipv4Address>();
        foreach (var zone in Zones)
        {
            foreach (var (address, names) in zone.OrderedPointers)
            {
                if (seen.Add(address)) yield return (address, names);
            }
        }
    }

    public bool Equals(DnsView? other) =>
        other is not null && Namespace == other.Namespace &&
        Zones.SequenceEqual(other.Zones) && OwnSubnets.SequenceEqual(other.OwnSubnets) && OwnIpv6Subnets.SequenceEqual(other.OwnIpv6Subnets);

    public override int GetHashCode() => HashCode.Combine(Namespace, Zones.Length);
}

/// <summary>
/// One DNS-enabled network's names as its members see them: container names, aliases, and
/// <c>name.network</c> → every holder's address (several containers with one alias: all of them,
/// to be answered round robin); each address → its names (container name first, then its
/// aliases on this network, then <c>name.network</c>). Names are lower case; lookups ignore case.
/// The IPv6 half (<see cref="Names6"/>, <see cref="Pointers6"/>) holds the holders' IPv6 addresses
/// on a dual-stack network: every name is in <see cref="Names"/>, a name without IPv6 is not in Names6.
/// </summary>
public sealed class DnsZone : IEquatable<DnsZone>
{
    public DnsZone(string network, uint ttl, IEnumerable<KeyValuePair<string, ImmutableArray<Ipv4Address>>> names,
        IEnumerable<(Ipv4Address Address, ImmutableArray<string> Names)> pointers,
        IEnumerable<KeyValuePair<string, ImmutableArray<Ipv6Address>>>? names6 = null,
        IEnumerable<(Ipv6Address Address, ImmutableArray<string> Names)>? pointers6 = null)
    {
        Network = network;
        Ttl = ttl;
        // Plain dictionaries: every plan builds every zone and looks up a few hundred names in it,
        // fewer than freezing pays for (the DNS server compiles its own, CompiledZone).
        Names = new Dictionary<string, ImmutableArray<Ipv4Address>>(names, StringComparer.OrdinalIgnoreCase);
        OrderedPointers = [.. pointers.OrderBy(p => p.Address)];
        Pointers = OrderedPointers.ToDictionary(p => p.Address, p => p.Names);
        Names6 = new Dictionary<string, ImmutableArray<Ipv6Address>>(names6 ?? [], StringComparer.OrdinalIgnoreCase);
        OrderedPointers6 = [.. (pointers6 ?? []).OrderBy(p => p.Address)];
        Pointers6 = OrderedPointers6.ToDictionary(p => p.Address, p => p.Names);
    }

    public string Network { get; }
    public uint Ttl { get; }
    public IReadOnlyDictionary<string, ImmutableArray<Ipv4Address>> Names { get; }
    public IReadOnlyDictionary<Ipv4Address, ImmutableArray<string>> Pointers { get; }
    public ImmutableArray<(Ipv4Address Address, ImmutableArray<string> Names)> OrderedPointers { get; }
    public IReadOnlyDictionary<string, ImmutableArray<Ipv6Address>> Names6 { get; }
    public IReadOnlyDictionary<Ipv6Address, ImmutableArray<string>> Pointers6 { get; }
    public ImmutableArray<(Ipv6Address Address, ImmutableArray<string> Names)> OrderedPointers6 { get; }

    public bool Equals(DnsZone? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null || Network != other.Network || Ttl != other.Ttl ||
            Names.Count != other.Names.Count || OrderedPointers.Length != other.OrderedPointers.Length ||
            Names6.Count != other.Names6.Count || OrderedPointers6.Length != other.OrderedPointers6.Length) return false;
        foreach (var (name, addresses) in Names6)
        {
            if (!other.Names6.TryGetValue(name, out var theirs) || !addresses.SequenceEqual(theirs)) return false;
        }
        for (var i = 0; i < OrderedPointers6.Length; i++)
        {
            var (a, n) = OrderedPointers6[i];
            var (b, m) = other.OrderedPointers6[i];
            if (a != b || !n.SequenceEqual(m)) return false;
        }
        foreach (var (name, addresses) in Names)
        {
            if (!other.Names.TryGetValue(name, out var theirs) || !addresses.SequenceEqual(theirs)) return false;
        }
        for (var i = 0; i < OrderedPointers.Length; i++)
        {
            var (a, n) = OrderedPointers[i];
            var (b, m) = other.OrderedPointers[i];
            if (a != b || !n.SequenceEqual(m)) return false;
        }
        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as DnsZone);

    public override int GetHashCode() => HashCode.Combine(Network, Ttl, Names.Count);
}
