using Topo.Linux.Namespaces;

namespace Topo.Linux.Observation;

/// <summary>A name in the namespace directory, with its identity when something was kept for it (else learnt when its socket opens).</summary>
internal readonly record struct ListedName(string Name, NamespaceIdentity? Identity);

/// <summary>A name that leads to a namespace, with the earlier name it shares that namespace with (container mode), if any.</summary>
internal readonly record struct ArrangedName(string Name, string? SharesWith, NamespaceIdentity Identity);

/// <summary>One reading of a named namespace, and which namespace the name led to then.</summary>
internal sealed record NamespaceReading(NamespaceIdentity Identity, NamespaceSnapshot Snapshot);

// Which names the namespace directory holds, and which of them are one namespace.
public sealed partial class Observer
{
    /// <summary>
    /// Names in the store. Those something is kept for (a session, from an earlier reading) are
    /// checked to still lead to the same namespace, and get its identity; the others learn theirs
    /// when their socket is opened (one stat each saved: hundreds of names in a fresh process).
    /// </summary>
    private List<ListedName> ListNames()
    {
        var names = _sessions.Store.List();
        _sessions.Retain(names);
        var listed = new List<ListedName>(names.Count);
        foreach (var name in names)
        {
            if (!_sessions.Knows(name))
            {
                listed.Add(new ListedName(name, null));
                continue;
            }
            try
            {
                listed.Add(new ListedName(name, _sessions.Refresh(name)));
            }
            catch (Exception e) when (e is IOException or SyscallException)
            {
                // No namespace behind the name (any more): not ours to judge.
            }
        }
        return listed;
    }

    /// <summary>
    /// The names that lead to a namespace, each with the earlier name it shares its namespace
    /// with (same nsfs inode), if any, and its identity.
    /// </summary>
    private List<ArrangedName> Arrange(List<ListedName> listed, Dictionary<string, NamespaceIdentity> opened)
    {
        var names = listed.Select(l => l.Name).ToList();
        var open = new List<(string Name, NamespaceIdentity Key)>(listed.Count);
        var distinct = new HashSet<NamespaceIdentity>();
        foreach (var (name, known) in listed)
        {
            if ((opened.TryGetValue(name, out var id) ? id : known) is not { } identity) continue; // stale or vanished
            open.Add((name, identity));
            distinct.Add(identity);
        }
        // Which of two names came first matters only when names share a namespace: only then is
        // /proc/self/mountinfo read (with hundreds of namespaces, reading it cost the kernel more
        // than dumping their links).
        if (distinct.Count < open.Count)
        {
            var order = MountOrder(names).Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
            open = [.. open.OrderBy(o => order[o.Name])];
        }

        var result = new List<ArrangedName>(open.Count);
        var byInode = new Dictionary<NamespaceIdentity, string>();
        foreach (var (name, key) in open)
        {
            if (byInode.TryGetValue(key, out var first))
            {
                result.Add(new ArrangedName(name, first, key));
            }
            else
            {
                byInode[key] = name;
                result.Add(new ArrangedName(name, null, key));
            }
        }
        return result;
    }

    /// <summary>Orders names by mount id (the original name of a namespace was mounted before its aliases).</summary>
    private List<string> MountOrder(IReadOnlyList<string> names)
    {
        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var fields = line.Split(' ');
            if (fields.Length < 5) continue;
            var mountPoint = fields[4];
            if (Path.GetDirectoryName(mountPoint) != _sessions.Store.Options.NetnsDirectory.TrimEnd('/')) continue;
            if (long.TryParse(fields[0], out var id)) ids.TryAdd(Path.GetFileName(mountPoint), id);
        }
        return names.OrderBy(n => ids.GetValueOrDefault(n, long.MaxValue)).ThenBy(n => n, StringComparer.Ordinal).ToList();
    }
}
