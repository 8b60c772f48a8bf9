using System.Collections.Immutable;
using Topo.Core.Firewall;

namespace Topo.Linux.Nftables;

/// <summary>
/// The last reading of each table this client listed, the nftables generation it holds at, and the
/// sets our own element batches changed since. nftables' generation moves by one with every
/// committed transaction, anyone's; a batch of <c>add element</c>/<c>delete element</c> commands
/// changes only the elements of the sets it names. So when the generation moved from the reading's
/// by exactly our own batches, the table is that reading but for those sets: verifying one more
/// container at 2,000 reads three sets over netlink (<see cref="SetElementDump"/>) instead of
/// listing 6,000 elements and 23 rules through libnftables again. Nothing else changes a topo
/// table: its sets have no timeouts and none of its rules adds to a set from the packet path, the
/// two ways elements change without a transaction (the skeleton that says so is the one read).
/// </summary>
internal sealed class OwnCommitReadings
{
    private sealed record Known(Ruleset Reading, NftablesGeneration Stamp, ImmutableHashSet<string> Changed);

    private readonly Dictionary<(string Family, string Table), Known> _known = [];
    private readonly Lock _gate = new();

    /// <summary>A reading of the table as it was at <paramref name="stamp"/> (listed whole, or composed here).</summary>
    public void Read(string family, string table, Ruleset reading, NftablesGeneration stamp)
    {
        lock (_gate) _known[(family, table)] = new Known(reading, stamp, []);
    }

    public void Forget(string family, string table)
    {
        lock (_gate) _known.Remove((family, table));
    }

    /// <summary>
    /// Our batch changing elements of <paramref name="sets"/> was committed, with the generation
    /// read just before (<paramref name="before"/>) and just after it (<paramref name="after"/>): one
    /// step between them is our commit and nobody's else, and nothing came between the reading and it.
    /// </summary>
    public void Committed(string family, string table, IEnumerable<string> sets, NftablesGeneration before, NftablesGeneration after)
    {
        lock (_gate)
        {
            if (_known.TryGetValue((family, table), out var known) && known.Stamp == before && after == Next(before))
                _known[(family, table)] = known with { Stamp = after, Changed = known.Changed.Union(sets) };
            else _known.Remove((family, table));
        }
    }

    /// <summary>
    /// The reading that holds now (the generation is <paramref name="now"/>) and the sets of it to
    /// read again; null when the table must be listed whole (never read, or another commit came).
    /// </summary>
    public (Ruleset Reading, List<SetSpec> Stale)? Current(string family, string table, NftablesGeneration now)
    {
        lock (_gate)
        {
            if (!_known.TryGetValue((family, table), out var known)) return null;
            if (known.Stamp != now)
            {
                _known.Remove((family, table));
                return null;
            }
            var stale = known.Reading.Sets.Where(s => known.Changed.Contains(s.Name)).ToList();
            // A batch named a set the reading does not have: the table is not the one read.
            if (stale.Count != known.Changed.Count)
            {
                _known.Remove((family, table));
                return null;
            }
            return (known.Reading, stale);
        }
    }

    /// <summary>The generation after one commit: the kernel skips 0 when its counter wraps (nf_tables_commit).</summary>
    private static NftablesGeneration Next(NftablesGeneration g) => g with { Id = g.Id == uint.MaxValue ? 1 : g.Id + 1 };
}
