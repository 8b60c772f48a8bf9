using System.Collections.Immutable;
using Topo.Core.Addressing;
using Topo.Core.Model;
using Topo.Core.Spec;

namespace Topo.Core.Inventory;

/// <summary>
/// What <c>docker network inspect</c> shows of a network that the kernel has no place for: its
/// <c>ip_range</c> and <c>aux_addresses</c> (only the allocator ever used them), the gateways the file
/// gives (a macvlan network's is a router outside the host), and when topo first made its bridge. Kept by topo beside its other run files, one file per project
/// (<see cref="NetworkRecordsJson"/>); only <c>topo inspect</c> reads it, and without it inspect
/// leaves out exactly these fields. Nothing else depends on it: the kernel stays the record of what exists.
/// </summary>
public sealed record NetworkRecord(string Network)
{
    /// <summary>When topo made the network's bridge; null when it was there before topo kept records (not known).</summary>
    public DateTimeOffset? Created { get; init; }

    public Ipv4Prefix? IpRange { get; init; }

    /// <summary>The IPv6 value of <c>ip_range</c>.</summary>
    public Ipv6Prefix? Ipv6Range { get; init; }

    /// <summary>
    /// The file's <c>gateway</c>, each family's; null when the file leaves it to topo. Docker shows a
    /// gateway only when one was given (its <c>::1</c> reserved on a macvlan network is not shown).
    /// Inspect takes it for a network without a bridge; a bridge's is its address.
    /// </summary>
    public Ipv4Address? Gateway { get; init; }

    public Ipv6Address? Ipv6Gateway { get; init; }

    /// <summary>Reserved addresses by name, as the file gives them.</summary>
    public ImmutableSortedDictionary<string, IpAddress> AuxAddresses { get; init; } = ImmutableSortedDictionary<string, IpAddress>.Empty;
}

/// <summary>How a round of apply, destroy, rollback or the watcher changes a project's records.</summary>
public static class NetworkRecords
{
    /// <summary>
    /// The records of <paramref name="owner"/> (a project, or <see cref="Label.SharedProject"/> for the
    /// default bridge) once a plan made against <paramref name="observed"/> has been applied: <paramref name="desired"/> is what it asked for,
    /// <paramref name="created"/> what it created (or replaced), <paramref name="deleted"/> what it deleted. A project keeps a record for each
    /// of its networks the plan leaves on the host; the default bridge's, until a plan deletes it.
    /// <c>Created</c> is set when a plan makes the bridge and no record has one, and kept from then on
    /// (re-applies, a bridge re-made after drift). <c>ip_range</c>, gateways and aux addresses come from the file
    /// when the round has one (apply, watch), else stay as they were (destroy, rollback).
    /// </summary>
    public static ImmutableArray<NetworkRecord> After(string owner, IReadOnlyList<NetworkRecord> before,
        HostState observed, HostState desired, IEnumerable<Resource> created, IEnumerable<Resource> deleted, TopologyFile? spec, DateTimeOffset now)
    {
        var kept = before.ToDictionary(r => r.Network, StringComparer.Ordinal);
        var made = created
            .Where(r => r is LinkState { Type: LinkKind.Bridge, Owner.Role: LabelRole.Network } l && l.Owner!.Project == owner)
            .Select(r => r.Owner!.Name)
            .ToHashSet(StringComparer.Ordinal);
        IEnumerable<string> present;
        if (owner == Label.SharedProject)
        {
            // Kept while the bridge is there: one an interrupted destroy removed is gone from what was observed.
            var gone = deleted.Where(r => r is LinkState { Type: LinkKind.Bridge, Owner: { IsShared: true } }).Select(r => r.Owner!.Name);
            var there = observed.Links.Where(l => l is { Type: LinkKind.Bridge, Owner: { IsShared: true, Role: LabelRole.Network } }).Select(l => l.Owner!.Name);
            // And whenever the plan wants it: a bridge an interrupted apply made before any record was written.
            var wanted = desired.Links.Where(l => l is { Type: LinkKind.Bridge, Owner: { IsShared: true, Role: LabelRole.Network } }).Select(l => l.Owner!.Name);
            present = kept.Keys.Intersect(there, StringComparer.Ordinal).Concat(made).Concat(wanted).Except(gone, StringComparer.Ordinal);
        }
        else
        {
            // A bridge network by its bridge; a macvlan network by its containers' interfaces.
            present = desired.Links.Where(l => l.Owner is { } o && o.Project == owner && o.Role is LabelRole.Network or LabelRole.Endpoint)
                .Select(l => l.Owner!.Network!);
        }
        var records = ImmutableArray.CreateBuilder<NetworkRecord>();
        foreach (var name in present.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var record = kept.GetValueOrDefault(name) ?? new NetworkRecord(name);
            if (record.Created is null && made.Contains(name)) record = record with { Created = now };
            if (owner != Label.SharedProject && spec?.FindNetwork(name) is { } declared)
            {
                record = record with
                {
                    IpRange = declared.IpRange,
                    Ipv6Range = declared.Ipv6Range,
                    Gateway = declared.Gateway,
                    Ipv6Gateway = declared.Ipv6Gateway,
                    AuxAddresses = declared.AuxAddresses.ToImmutableSortedDictionary(a => a.Name, a => a.Address, StringComparer.Ordinal),
                };
            }
            records.Add(record);
        }
        return records.ToImmutable();
    }
}
