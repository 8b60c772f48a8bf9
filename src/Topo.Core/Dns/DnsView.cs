using System.Collections.Immutable;
using Topo.Core.Addressing;

namespace Topo.Core.Dns;

/// <summary>
/// What the embedded resolver of one container namespace answers by itself: every name visible
/// from there (names are lower case; lookups are case-insensitive), the reverse names of every
/// address it can see, and the subnets whose reverse lookups are never forwarded upstream.
/// Built by <see cref="DnsViews"/> from the resolved topology; equal views mean "nothing to do".
/// </summary>
public sealed record DnsView(
    /// <summary>The named namespace the resolver listens in (127.0.0.11:53 there).</summary>
    string Namespace,
    /// <summary>Forward names, sorted by name.</summary>
    ImmutableArray<DnsName> Names,
    /// <summary>Reverse names, sorted by address.</summary>
    ImmutableArray<DnsPointer> Pointers,
    /// <summary>Subnets of the project's DNS-enabled networks: PTR queries inside them are answered here (NXDOMAIN when unknown), never forwarded.</summary>
    ImmutableArray<Ipv4Prefix> OwnSubnets)
{
    public bool Equals(DnsView? other) =>
        other is not null && Namespace == other.Namespace &&
        Names.SequenceEqual(other.Names) && Pointers.SequenceEqual(other.Pointers) && OwnSubnets.SequenceEqual(other.OwnSubnets);

    public override int GetHashCode() => HashCode.Combine(Namespace, Names.Length, Pointers.Length);
}

/// <summary>A forward name and all its addresses (several containers with one alias: all of them, answered round robin).</summary>
public sealed record DnsName(string Name, ImmutableArray<Ipv4Address> Addresses, uint Ttl)
{
    public bool Equals(DnsName? other) =>
        other is not null && Name == other.Name && Ttl == other.Ttl && Addresses.SequenceEqual(other.Addresses);

    public override int GetHashCode() => HashCode.Combine(Name, Ttl, Addresses.Length);
}

/// <summary>The names of one address, container name first, then its aliases on that network, then <c>name.network</c>.</summary>
public sealed record DnsPointer(Ipv4Address Address, ImmutableArray<string> Names, uint Ttl)
{
    public bool Equals(DnsPointer? other) =>
        other is not null && Address == other.Address && Ttl == other.Ttl && Names.SequenceEqual(other.Names);

    public override int GetHashCode() => HashCode.Combine(Address, Ttl, Names.Length);
}
