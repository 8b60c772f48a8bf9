using System.Collections.Frozen;
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
        Zones.SequenceEqual(other.Zones) && OwnSubnets.SequenceEqual(other.OwnSubnets);

    public override int GetHashCode() => HashCode.Combine(Namespace, Zones.Length);
}

/// <summary>
/// One DNS-enabled network's names as its members see them: container names, aliases, and
/// <c>name.network</c> → every holder's address (several containers with one alias: all of them,
/// to be answered round robin); each address → its names (container name first, then its
/// aliases on this network, then <c>name.network</c>). Names are lower case; lookups ignore case.
/// </summary>
public sealed class DnsZone : IEquatable<DnsZone>
{
    public DnsZone(string network, uint ttl, IEnumerable<KeyValuePair<string, ImmutableArray<Ipv4Address>>> names,
        IEnumerable<(Ipv4Address Address, ImmutableArray<string> Names)> pointers)
    {
        Network = network;
        Ttl = ttl;
        Names = names.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        OrderedPointers = [.. pointers.OrderBy(p => p.Address)];
        Pointers = OrderedPointers.ToFrozenDictionary(p => p.Address, p => p.Names);
    }

    public string Network { get; }
    public uint Ttl { get; }
    public FrozenDictionary<string, ImmutableArray<Ipv4Address>> Names { get; }
    public FrozenDictionary<Ipv4Address, ImmutableArray<string>> Pointers { get; }
    public ImmutableArray<(Ipv4Address Address, ImmutableArray<string> Names)> OrderedPointers { get; }

    public bool Equals(DnsZone? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null || Network != other.Network || Ttl != other.Ttl ||
            Names.Count != other.Names.Count || OrderedPointers.Length != other.OrderedPointers.Length) return false;
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
