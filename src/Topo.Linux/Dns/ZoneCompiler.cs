using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Topo.Core.Addressing;
using Topo.Core.Dns;

namespace Topo.Linux.Dns;

/// <summary>
/// Views → books, sharing work across namespaces and rounds: a zone is compiled once (and kept
/// while a later round has it, by reference or equal content), and namespaces whose views have the
/// same zones and own subnets share one book, so 500 namespaces on one network cost one compiled
/// zone and one book. One instance per update round; <see cref="NextRound"/> starts the next from it.
/// </summary>
internal sealed class ZoneCompiler(Dictionary<DnsZone, CompiledZone> previousZones, Dictionary<BookKey, AnswerBook> previousBooks)
{
    private readonly Dictionary<DnsZone, CompiledZone> _zones = [];
    private readonly Dictionary<BookKey, AnswerBook> _books = [];

    public ZoneCompiler NextRound() => new(_zones, _books);

    public AnswerBook BookOf(DnsView view)
    {
        var zones = new CompiledZone[view.Zones.Length];
        for (var i = 0; i < zones.Length; i++) zones[i] = Compile(view.Zones[i]);
        var key = new BookKey(zones, view.OwnSubnets) { OwnIpv6Subnets = view.OwnIpv6Subnets };
        if (!_books.TryGetValue(key, out var book))
        {
            book = previousBooks.TryGetValue(key, out var kept) ? kept : new AnswerBook(zones, view.OwnSubnets, view.OwnIpv6Subnets);
            _books[key] = book;
        }
        return book;
    }

    private CompiledZone Compile(DnsZone zone)
    {
        if (_zones.TryGetValue(zone, out var compiled)) return compiled;
        compiled = previousZones.TryGetValue(zone, out var kept) ? kept : CompiledZone.Compile(zone);
        _zones[zone] = compiled;
        return compiled;
    }
}

/// <summary>What makes two books the same: the same compiled zones (by reference), in order, and the same own subnets.</summary>
internal sealed class BookKey(CompiledZone[] zones, ImmutableArray<Ipv4Prefix> ownSubnets) : IEquatable<BookKey>
{
    public bool Equals(BookKey? other)
    {
        if (other is null || other.Zones.Length != Zones.Length || !OwnSubnets.SequenceEqual(other.OwnSubnets) ||
            !OwnIpv6Subnets.SequenceEqual(other.OwnIpv6Subnets)) return false;
        for (var i = 0; i < Zones.Length; i++)
        {
            if (!ReferenceEquals(Zones[i], other.Zones[i])) return false;
        }
        return true;
    }

    public CompiledZone[] Zones { get; } = zones;

    public ImmutableArray<Ipv4Prefix> OwnSubnets { get; } = ownSubnets;

    public ImmutableArray<Ipv6Prefix> OwnIpv6Subnets { get; init; } = [];

    public override bool Equals(object? obj) => Equals(obj as BookKey);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var z in Zones) hash.Add(RuntimeHelpers.GetHashCode(z));
        hash.Add(OwnSubnets.Length);
        return hash.ToHashCode();
    }
}
