using System.Collections.Frozen;
using System.Net;
using ARSoft.Tools.Net;
using Topo.Core.Addressing;
using Topo.Core.Dns;

namespace Topo.Linux.Dns;

/// <summary>
/// One <see cref="DnsZone"/> ready to answer from: addresses as IPAddress, pointer names parsed as
/// DomainName, and each name's round-robin counter. Compiled once per zone instance and shared by
/// every book that includes the zone (500 namespaces on one network: one compiled zone).
/// </summary>
internal sealed class CompiledZone
{
    private CompiledZone(DnsZone source, FrozenDictionary<string, NameRecord> names, FrozenDictionary<uint, PointerRecord> pointers, uint[] sortedAddresses)
    {
        Source = source;
        Names = names;
        Pointers = pointers;
        SortedAddresses = sortedAddresses;
    }

    public DnsZone Source { get; }

    /// <summary>By name, any case.</summary>
    public FrozenDictionary<string, NameRecord> Names { get; }

    /// <summary>By address (host order).</summary>
    public FrozenDictionary<uint, PointerRecord> Pointers { get; }

    /// <summary>The pointer addresses, sorted: "is any name inside this prefix?" by binary search.</summary>
    public uint[] SortedAddresses { get; }

    public static CompiledZone Compile(DnsZone zone)
    {
        var ttl = (int)Math.Min(zone.Ttl, int.MaxValue);
        var names = zone.Names.ToFrozenDictionary(
            kv => kv.Key.TrimEnd('.'), kv => new NameRecord([.. kv.Value.Select(ToIPAddress)], ttl), StringComparer.OrdinalIgnoreCase);
        var pointers = zone.OrderedPointers.ToFrozenDictionary(
            p => p.Address.Value, p => new PointerRecord([.. p.Names.Select(n => DomainName.Parse(n))], ttl));
        return new CompiledZone(zone, names, pointers, [.. zone.OrderedPointers.Select(p => p.Address.Value)])
        {
            Names6 = zone.Names6.ToFrozenDictionary(
                kv => kv.Key.TrimEnd('.'), kv => new NameRecord([.. kv.Value.Select(ToIPAddress)], ttl), StringComparer.OrdinalIgnoreCase),
            Pointers6 = zone.OrderedPointers6.ToFrozenDictionary(
                p => p.Address.Value, p => new PointerRecord([.. p.Names.Select(n => DomainName.Parse(n))], ttl)),
            SortedAddresses6 = [.. zone.OrderedPointers6.Select(p => p.Address.Value)],
        };
    }

    /// <summary>By name, any case: the names that have IPv6 addresses (a subset of <see cref="Names"/>).</summary>
    public FrozenDictionary<string, NameRecord> Names6 { get; private init; } = FrozenDictionary<string, NameRecord>.Empty;

    /// <summary>By IPv6 address.</summary>
    public FrozenDictionary<UInt128, PointerRecord> Pointers6 { get; private init; } = FrozenDictionary<UInt128, PointerRecord>.Empty;

    public UInt128[] SortedAddresses6 { get; private init; } = [];

    public bool AnyPointerIn(Ipv6Prefix prefix)
    {
        var i = Array.BinarySearch(SortedAddresses6, prefix.First.Value);
        if (i < 0) i = ~i;
        return i < SortedAddresses6.Length && SortedAddresses6[i] <= prefix.Last.Value;
    }

    public bool AnyPointerIn(Ipv4Prefix prefix)
    {
        var i = Array.BinarySearch(SortedAddresses, prefix.First.Value);
        if (i < 0) i = ~i;
        return i < SortedAddresses.Length && SortedAddresses[i] <= prefix.Last.Value;
    }

    private static IPAddress ToIPAddress(Ipv6Address address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.WriteBytes(bytes);
        return new IPAddress(bytes);
    }

    private static IPAddress ToIPAddress(Ipv4Address address)
    {
        Span<byte> bytes = stackalloc byte[4];
        address.WriteBytes(bytes);
        return new IPAddress(bytes);
    }
}

/// <summary>A forward name's addresses (all of them, rotated per query) and TTL.</summary>
internal sealed class NameRecord(IPAddress[] addresses, int ttl)
{
    private int _next = -1;

    public IPAddress[] Addresses { get; } = addresses;

    public int Ttl { get; } = ttl;

    public int NextRotation() => (int)((uint)Interlocked.Increment(ref _next) % (uint)Addresses.Length);
}

/// <summary>The names of one address, in the zone's order (container name, aliases, name.network), and their TTL.</summary>
internal sealed class PointerRecord(DomainName[] targets, int ttl)
{
    public DomainName[] Targets { get; } = targets;

    public int Ttl { get; } = ttl;
}
