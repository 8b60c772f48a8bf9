using System.Text;
using Topo.Core.Firewall;
using Topo.Linux.Namespaces;

namespace Topo.Linux.Nftables;

/// <summary>
/// libnftables through its JSON API, in one network namespace. libnftables talks netlink from
/// the calling thread's namespace, so the context is created on <see cref="NamespaceThread"/>
/// inside the namespace and every call runs there. One <see cref="Apply"/> is one netlink batch:
/// the kernel commits all of it or nothing.
/// </summary>
public sealed unsafe class NftablesClient : IDisposable
{
    private readonly NamespaceThread _thread;
    private readonly NetNamespace _namespace;
    private IntPtr _ctx;

    public NftablesClient(NamespaceThread thread, NetNamespace ns)
    {
        LibNftables.EnsureLoaded();
        _thread = thread;
        _namespace = ns;
        _ctx = thread.Run(ns, () =>
        {
            using var gate = LibNftables.Gate.EnterScope();
            var ctx = LibNftables.CtxNew(LibNftables.NFT_CTX_DEFAULT);
            if (ctx == IntPtr.Zero) throw new NftablesException("nft_ctx_new", "could not create a libnftables context", -1);
            // JSON output (and JSON input is recognised as such); numeric priorities so they parse as numbers.
            LibNftables.OutputSetFlags(ctx, (uint)OutputFlags);
            if (LibNftables.BufferOutput(ctx) != 0 || LibNftables.BufferError(ctx) != 0)
            {
                LibNftables.CtxFree(ctx);
                throw new NftablesException("nft_ctx_buffer_output", "could not buffer libnftables output", -1);
            }
            return ctx;
        });
    }

    private const LibNftables.OutputFlags OutputFlags = LibNftables.OutputFlags.Json | LibNftables.OutputFlags.NumericPrio;

    /// <summary>
    /// Runs one command (nft syntax or a libnftables JSON document) and returns its output (JSON
    /// for listings, empty for changes). Errors throw <see cref="NftablesException"/> with nft's text.
    /// </summary>
    public string Run(string command) => Run(command, Operation(command));

    /// <summary>Applies a batch (e.g. <see cref="NftJson.WriteElements"/>) as one transaction.</summary>
    public void Apply(string jsonBatch, string operation = "apply") => Run(jsonBatch, operation);

    /// <summary>
    /// Deletes and adds elements of a table whose skeleton stays, in one transaction
    /// (<see cref="NftJson.WriteElements"/>). When nothing else was committed since this client read
    /// the table, the next reading lists again only the sets named here (<see cref="OwnCommitReadings"/>).
    /// </summary>
    public void ApplyElements(string family, string table, IReadOnlyCollection<ElementSpec> delete, IReadOnlyCollection<ElementSpec> add, string operation)
    {
        var before = Generation();
        Run(NftJson.WriteElements(family, table, delete, add), operation);
        _readings.Committed(family, table, delete.Concat(add).Select(e => e.Set).Distinct(), before, Generation());
    }

    /// <summary>
    /// Makes the kernel's table exactly <paramref name="ruleset"/>, and deletes the table of the same
    /// name in each of <paramref name="deleteFamilies"/> (topo's old ip table), in one transaction.
    /// </summary>
    public void Replace(Ruleset ruleset, IEnumerable<string>? deleteFamilies = null)
    {
        var delete = string.Concat((deleteFamilies ?? []).Select(f => $"add table {f} {ruleset.Table}\ndelete table {f} {ruleset.Table}\n"));
        Run(delete + ruleset.ToReplaceText(), $"replace table {ruleset.Family} {ruleset.Table}");
    }

    /// <summary>Deletes the table if it exists.</summary>
    public void DeleteTable(string family, string table) => Run(NftJson.WriteDelete(family, table), $"delete table {family} {table}");

    /// <summary>Deletes the table of this name in each family, where it exists, in one transaction.</summary>
    public void DeleteTables(IEnumerable<string> families, string table) =>
        Run(string.Concat(families.Select(f => $"add table {f} {table}\ndelete table {f} {table}\n")), $"delete table {table}");

    /// <summary>The table as the kernel has it (no handles, no sysctls), or null if there is none.</summary>
    public Ruleset? ReadTable(string family, string table) =>
        ListTables().Contains((family, table)) ? ListTable(family, table) : null;

    /// <summary>Where listings are kept between commands (null: every listing asks libnftables).</summary>
    public TableListingCache? ListingCache { get; init; }

    /// <summary>
    /// One <c>list table</c> of a table known to exist, parsed from libnftables' UTF-8 output as
    /// is: the listing of thousands of elements is megabytes, and no string of it is made. With a
    /// <see cref="ListingCache"/>, a listing read under the generation the kernel still has is reused.
    /// After this client's own element batches (<see cref="ApplyElements"/>) and nothing else, only
    /// the sets they changed are read, over netlink (<see cref="OwnCommitReadings"/>).
    /// </summary>
    public Ruleset? ListTable(string family, string table)
    {
        var now = Generation();
        if (ReadAfterOwnCommits(family, table, now, out var tried) is { } known) return known;
        // A failed try took time in which a commit may have come: its generation is not `now`'s.
        if (tried) now = Generation();
        Listings++;
        if (ListingCache?.TryRead(family, table, now) is { } kept) return Keep(family, table, NftJson.Parse(kept, family, table), now);
        if (ListWithElementsDumped(family, table, now) is { } composed)
        {
            ListedWithElementsDumped++;
            ListingCache?.Write(family, table, now, ComposedListing.Write(composed));
            return Keep(family, table, composed, now);
        }
        var (bytes, stamp) = ListTableBytes(family, table, now, useCache: false);
        return Keep(family, table, NftJson.Parse(bytes, family, table), stamp);
    }

    /// <summary>The table as libnftables lists it whole, elements and all, past every shortcut: what tests hold the readings against.</summary>
    internal Ruleset? ListTableWhole(string family, string table) => NftJson.Parse(ListTableBytes(family, table, Generation(), useCache: false).Bytes, family, table);

    /// <summary>Readings made of the terse listing and the sets' elements dumped (<see cref="ListWithElementsDumped"/>).</summary>
    internal int ListedWithElementsDumped { get; private set; }

    /// <summary>Remembers a reading with the generation it is of (none: a commit came while it was read).</summary>
    private Ruleset? Keep(string family, string table, Ruleset? ruleset, NftablesGeneration? at)
    {
        if (ruleset is not null && at is { } generation) _readings.Read(family, table, ruleset, generation);
        else _readings.Forget(family, table);
        return ruleset;
    }

    /// <summary>A table that is not topo's, known to exist, listed whole (cached as <see cref="ListTable"/> is).</summary>
    public Core.Model.ForeignTable? ListForeignTable(string family, string table) =>
        ForeignTableJson.Parse(ListTableBytes(family, table, Generation()).Bytes, family, table);

    /// <summary>Tables listed whole (through libnftables or the cache): what tests count.</summary>
    internal int Listings { get; private set; }

    /// <summary>Sets read again over netlink after this client's own element batches.</summary>
    internal int SetsReadAgain { get; private set; }

    private readonly OwnCommitReadings _readings = new();

    /// <summary>
    /// The table from the last reading and the sets our own batches changed since, read again, when
    /// the generation says nothing else was committed (before and after reading them); null when it
    /// must be listed whole, or when a set holds a form our codec does not render
    /// (<paramref name="tried"/>: sets were dumped, so time passed since <paramref name="now"/>).
    /// </summary>
    private Ruleset? ReadAfterOwnCommits(string family, string table, NftablesGeneration now, out bool tried)
    {
        tried = false;
        if (_readings.Current(family, table, now) is not var (reading, stale)) return null;
        if (stale.Count == 0) return reading;
        tried = true;
        try
        {
            var fresh = _thread.Run(_namespace, () => stale.SelectMany(set => SetElementDump.ListHere(family, table, set)).ToList());
            if (Generation() != now)
            {
                _readings.Forget(family, table);
                return null;
            }
            SetsReadAgain += stale.Count;
            var names = stale.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
            var composed = reading with { Elements = [.. reading.Elements.Where(e => !names.Contains(e.Set)), .. fresh] };
            _readings.Read(family, table, composed, now);
            ListingCache?.Write(family, table, now, ComposedListing.Write(composed));
            return composed;
        }
        catch (Exception e) when (e is Netlink.Transport.NetlinkException or Netlink.Messages.NetlinkParseException)
        {
            _readings.Forget(family, table);
            return null;
        }
    }

    /// <summary>
    /// The table listed by libnftables without its elements (terse: chains, rules, sets), and every
    /// set's elements dumped through our codec: the same reading as the whole listing at a third of
    /// libnftables' cost (its JSON for thousands of elements is most of it: docs/scale.md). Null when
    /// a commit came meanwhile (the two parts may not be of one generation), or a set holds a form
    /// the codec does not render: then the table is listed whole.
    /// </summary>
    private Ruleset? ListWithElementsDumped(string family, string table, NftablesGeneration now)
    {
        try
        {
            var skeleton = NftJson.Parse(RunUtf8(NftJson.WriteList(family, table), $"list table {family} {table}", terse: true), family, table);
            if (skeleton is null) return null;
            var elements = _thread.Run(_namespace, () => skeleton.Sets.SelectMany(set => SetElementDump.ListHere(family, table, set)).ToList());
            return Generation() == now ? skeleton with { Elements = [.. elements] } : null;
        }
        catch (Exception e) when (e is Netlink.Transport.NetlinkException or Netlink.Messages.NetlinkParseException)
        {
            return null;
        }
    }

    /// <summary>Every chain in the namespace with its hook: a netlink dump of chain headers only.</summary>
    internal List<NftablesChainList.Chain> ListChains()
    {
        ObjectDisposedException.ThrowIf(_ctx == IntPtr.Zero, this);
        return _thread.Run(_namespace, () => NftablesChainList.ListHere());
    }

    /// <summary>
    /// The listing, and the generation it is of (null: a commit came while it was read);
    /// <paramref name="before"/> is the generation read just before.
    /// </summary>
    private (byte[] Bytes, NftablesGeneration? Stamp) ListTableBytes(string family, string table, NftablesGeneration before, bool useCache = true)
    {
        if (useCache && ListingCache?.TryRead(family, table, before) is { } kept) return (kept, before);
        var bytes = RunUtf8(NftJson.WriteList(family, table), $"list table {family} {table}");
        // Of `before` only when no commit came between the two looks.
        if (Generation() != before) return (bytes, null);
        ListingCache?.Write(family, table, before, bytes);
        return (bytes, before);
    }

    private NftablesGeneration Generation() => _thread.Run(_namespace, () => NftablesGeneration.ReadHere());

    /// <summary>Every table in the namespace, as (family, name): a netlink dump of table headers only.</summary>
    public IReadOnlyList<(string Family, string Name)> ListTables()
    {
        ObjectDisposedException.ThrowIf(_ctx == IntPtr.Zero, this);
        return _thread.Run(_namespace, () => NftablesTableList.ListHere());
    }

    private string Run(string command, string operation)
    {
        ObjectDisposedException.ThrowIf(_ctx == IntPtr.Zero, this);
        var ctx = _ctx;
        return _thread.Run(_namespace, () =>
        {
            using var gate = LibNftables.Gate.EnterScope();
            var bytes = Encoding.UTF8.GetBytes(command + "\0");
            int rc;
            fixed (byte* p = bytes) rc = LibNftables.RunCmdFromBuffer(ctx, p);
            var output = LibNftables.String(LibNftables.GetOutputBuffer(ctx));
            var error = LibNftables.String(LibNftables.GetErrorBuffer(ctx));
            if (rc != 0) throw new NftablesException(operation, error, rc);
            return output;
        });
    }

    /// <summary>Like <see cref="Run(string, string)"/>, the output copied as UTF-8 bytes; <paramref name="terse"/>: sets without their elements.</summary>
    private byte[] RunUtf8(string command, string operation, bool terse = false)
    {
        ObjectDisposedException.ThrowIf(_ctx == IntPtr.Zero, this);
        var ctx = _ctx;
        return _thread.Run(_namespace, () =>
        {
            using var gate = LibNftables.Gate.EnterScope();
            var bytes = Encoding.UTF8.GetBytes(command + "\0");
            int rc;
            if (terse) LibNftables.OutputSetFlags(ctx, (uint)(OutputFlags | LibNftables.OutputFlags.Terse));
            try
            {
                fixed (byte* p = bytes) rc = LibNftables.RunCmdFromBuffer(ctx, p);
            }
            finally
            {
                if (terse) LibNftables.OutputSetFlags(ctx, (uint)OutputFlags);
            }
            if (rc != 0) throw new NftablesException(operation, LibNftables.String(LibNftables.GetErrorBuffer(ctx)), rc);
            var output = LibNftables.GetOutputBuffer(ctx);
            return output is null ? [] : System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpanFromNullTerminated(output).ToArray();
        });
    }

    private static string Operation(string command)
    {
        var trimmed = command.TrimStart();
        if (trimmed.StartsWith('{')) return "JSON command";
        var line = trimmed.Split('\n', 2)[0];
        return line.Length > 80 ? line[..80] + "…" : line;
    }

    public void Dispose()
    {
        var ctx = _ctx;
        if (ctx == IntPtr.Zero) return;
        _ctx = IntPtr.Zero;
        _thread.Run(_namespace, () =>
        {
            using var gate = LibNftables.Gate.EnterScope();
            LibNftables.CtxFree(ctx);
        });
    }
}
