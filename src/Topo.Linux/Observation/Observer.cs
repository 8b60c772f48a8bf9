using System.Collections.Immutable;
using Topo.Core.Addressing;
using Topo.Core.Model;
using Topo.Linux.Namespaces;
using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.LinkKinds;
using Topo.Linux.Netlink.Messages;

namespace Topo.Linux.Observation;

/// <summary>
/// Reads the kernel into a <see cref="HostState"/>: the host namespace (every link, foreign ones
/// with a null owner; their IPv4 addresses; main-table routes) and every named namespace whose
/// <c>lo</c> alias is a topo label (its links, addresses but lo's, routes). Other names in the
/// namespace directory are listed as foreign namespaces (no owner), and not read. Routes the kernel
/// adds for addresses (proto kernel) are left out, as the model says. Also read: the files of each
/// topo namespace's /etc/netns/NAME, and the host's resolv.conf (see <see cref="FileObservation"/>).
/// </summary>
public sealed partial class Observer : IDisposable
{
    private readonly NamespaceSessions _sessions;
    private readonly bool _ownsSessions;

    /// <param name="store">The named namespaces.</param>
    /// <param name="host">The namespace playing the host; null: the namespace thread's own (the process's).</param>
    /// <param name="options">Where the host's own files are; null: where they are on a host.</param>
    public Observer(NamespaceStore store, NetNamespace? host = null, ObserverOptions? options = null)
        : this(new NamespaceSessions(store, host ?? store.Thread.Home), ownsSessions: true, options)
    {
    }

    /// <summary>Observes through sessions shared with others (an applier): sockets opened once per command.</summary>
    public Observer(NamespaceSessions sessions, ObserverOptions? options = null)
        : this(sessions, ownsSessions: false, options)
    {
    }

    internal Observer(NamespaceSessions sessions, bool ownsSessions, ObserverOptions? options = null)
    {
        _sessions = sessions;
        _ownsSessions = ownsSessions;
        _files = new FileObservation(sessions.Store.Options.EtcDirectory, options ?? new ObserverOptions());
    }

    private readonly FileObservation _files;

    /// <summary>What each named namespace held when it was last read, and which namespace that was.</summary>
    private Dictionary<string, ((ulong, ulong) Identity, NamespaceSnapshot Snapshot)> _lastRead = new(StringComparer.Ordinal);

    /// <summary>Observes the host.</summary>
    /// <param name="project">When set, namespaces of other projects are listed but not read.</param>
    /// <param name="sysctls">Dotted keys to read in the host namespace (e.g. net.ipv4.ip_forward).</param>
    /// <param name="unchanged">
    /// Named namespaces known not to have changed since this observer last read them (an apply
    /// that did not touch them, under the apply lock): their last reading is reused, as long as
    /// the name still leads to the same namespace. The host and every other namespace are read.
    /// </param>
    /// <param name="filesUnchanged">
    /// Names whose /etc/netns files are known not to have changed since this observer last read
    /// them (see <c>PlanReach.FileNamespaces</c>): their last reading is reused. Null: all read.
    /// </param>
    public HostState Observe(string? project = null, IEnumerable<string>? sysctls = null, Func<string, bool>? unchanged = null,
        Func<string, bool>? filesUnchanged = null)
    {
        var listed = ListNames();
        // Files need no namespace and no rtnl lock: read on a pool thread while the kernel is
        // dumped (every listed name; those of topo namespaces are kept at the end).
        var fileNames = listed.Select(l => l.Name).ToList();
        var files = Task.Run(() => _files.Read(fileNames, filesUnchanged ?? (_ => false)));
        try
        {
            return Observe(project, sysctls, unchanged, listed, files);
        }
        finally
        {
            // Never left running: the next observation reads with the same state.
            ((IAsyncResult)files).AsyncWaitHandle.WaitOne();
        }
    }

    private HostState Observe(string? project, IEnumerable<string>? sysctls, Func<string, bool>? unchanged,
        List<(string Name, (ulong, ulong)? Identity)> listed, Task<FileObservation.Reading> files)
    {
        var snapshots = new List<(NamespaceSnapshot Snapshot, Label Owner)>();
        var links = ImmutableArray.CreateBuilder<LinkState>();
        var addresses = ImmutableArray.CreateBuilder<AddressState>();
        var routes = ImmutableArray.CreateBuilder<RouteState>();
        var namespaces = ImmutableArray.CreateBuilder<NamespaceState>();
        var reused = new Dictionary<string, NamespaceSnapshot>(StringComparer.Ordinal);
        if (unchanged is not null)
        {
            foreach (var (name, identity) in listed)
            {
                if (identity is { } id && unchanged(name) && _lastRead.TryGetValue(name, out var last) && last.Identity == id) reused[name] = last.Snapshot;
            }
        }
        // The namespace thread opens sockets while this thread dumps the host (alone: see
        // ConcurrentSnapshots). The host's socket is opened first: the thread is busy after.
        var hostSession = _sessions.For(HostState.Host);
        var reading = new ConcurrentSnapshots(_sessions, [.. listed.Select(n => n.Name).Where(n => !reused.ContainsKey(n))], Snapshot);
        NamespaceSnapshot host;
        try
        {
            host = Snapshot(HostState.Host, hostSession);
        }
        catch
        {
            // The namespace thread waits for Complete before it helps: without it, it would wait
            // forever (and so would disposing it). The host's failure is the one to report.
            try { reading.Complete(); } catch (Exception) { }
            throw;
        }
        var read = reading.Complete();
        var named = Arrange(listed, reading.Opened);
        var lastRead = new Dictionary<string, ((ulong, ulong), NamespaceSnapshot)>(named.Count, StringComparer.Ordinal);
        var rerooted = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (listedName, sharesWith, identity) in named)
        {
            var name = listedName;
            // A name whose namespace vanished while it was read, or a namespace without topo's
            // label on its lo, is foreign: listed without an owner, so that a plan wanting the
            // name is refused before any change, and never read further.
            if (!read.TryGetValue(name, out var snapshot) && !reused.TryGetValue(name, out snapshot))
            {
                namespaces.Add(new NamespaceState(name));
                continue;
            }
            lastRead[name] = (identity, snapshot);
            if (NamespaceOwner.Of(snapshot.Links) is not { } owner)
            {
                namespaces.Add(new NamespaceState(name));
                continue;
            }
            if (sharesWith is not null)
            {
                // Point every name at the namespace's owner; the owner's own name is the root itself.
                var target = rerooted.GetValueOrDefault(sharesWith, sharesWith);
                if (name != target) namespaces.Add(new NamespaceState(name, target) { Owner = owner });
                continue;
            }
            // Mount ids are reused, so mount order may list a second name first: the label on lo
            // names the container that owns the namespace, and that name is the original.
            if (owner.Role == LabelRole.Container && owner.Name != name && named.Any(n => n.Name == owner.Name && n.SharesWith == name))
            {
                rerooted[name] = owner.Name;
                namespaces.Add(new NamespaceState(name, owner.Name) { Owner = owner });
                name = owner.Name;
                snapshot = new NamespaceSnapshot(name, snapshot.Links, snapshot.Addresses, snapshot.Routes);
            }
            namespaces.Add(new NamespaceState(name) { Owner = owner });
            if (project is not null && owner.Project != project) continue;
            snapshots.Add((snapshot, owner));
        }

        if (named.Count < listed.Count)
        {
            // Names with no namespace behind them (a plain or stale file): foreign as well.
            var arranged = named.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var (name, _) in listed)
            {
                if (!arranged.Contains(name)) namespaces.Add(new NamespaceState(name));
            }
        }

        var peers = new VethPeers(host, snapshots.Select(s => s.Snapshot));
        AddLinks(host, host, peers, links, addresses, routes, namespaceOwner: null);
        foreach (var (snapshot, owner) in snapshots)
        {
            // A reading reused (see unchanged) keeps what it was turned into last time.
            if (snapshot.Model is not { } model)
            {
                var (l, a, r) = (ImmutableArray.CreateBuilder<LinkState>(), ImmutableArray.CreateBuilder<AddressState>(), ImmutableArray.CreateBuilder<RouteState>());
                AddLinks(snapshot, host, peers, l, a, r, owner);
                snapshot.Model = model = new NamespaceModel(l.DrainToImmutable(), a.DrainToImmutable(), r.DrainToImmutable());
            }
            links.AddRange(model.Links);
            addresses.AddRange(model.Addresses);
            routes.AddRange(model.Routes);
        }

        _lastRead = lastRead;
        var sysctlStates = sysctls is null ? [] : ReadSysctls(sysctls);
        // Files of every topo name (shared ones too: each has its own /etc/netns/NAME), and leftovers.
        var fileReading = files.GetAwaiter().GetResult();
        var fileStates = ImmutableArray.CreateBuilder<NamespaceFileState>();
        foreach (var ns in namespaces)
        {
            if (ns.Owner is { } o && (project is null || o.Project == project) && fileReading.ByName.TryGetValue(ns.Name, out var these))
                fileStates.AddRange(these);
        }
        fileStates.AddRange(fileReading.Leftovers);
        return new HostState(namespaces.ToImmutable(), links.ToImmutable(), addresses.ToImmutable(), routes.ToImmutable(), sysctlStates)
        {
            Files = fileStates.ToImmutable(),
            HostResolvConf = _files.ReadHostResolvConf(),
        };
    }

    /// <summary>
    /// Reads kernel settings of the host namespace (/proc/sys/net is per namespace, so on the
    /// namespace thread, in one hand-off); a key that does not exist (yet) is left out.
    /// </summary>
    public ImmutableArray<SysctlState> ReadSysctls(IEnumerable<string> keys)
    {
        var distinct = keys.Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count == 0) return [];
        return _sessions.Thread.Run(_sessions.Host, () =>
        {
            var found = ImmutableArray.CreateBuilder<SysctlState>();
            foreach (var key in distinct)
            {
                var path = SysctlPath.Of(key);
                if (File.Exists(path)) found.Add(new SysctlState(HostState.Host, key, File.ReadAllText(path).Trim()));
            }
            return found.ToImmutable();
        });
    }

    /// <summary>
    /// Names in the store. Those something is kept for (a session, from an earlier reading) are
    /// checked to still lead to the same namespace, and get its identity; the others learn theirs
    /// when their socket is opened (one stat each saved: hundreds of names in a fresh process).
    /// </summary>
    private List<(string Name, (ulong, ulong)? Identity)> ListNames()
    {
        var names = _sessions.Store.List();
        _sessions.Retain(names);
        var listed = new List<(string, (ulong, ulong)?)>(names.Count);
        foreach (var name in names)
        {
            if (!_sessions.Knows(name))
            {
                listed.Add((name, null));
                continue;
            }
            try
            {
                listed.Add((name, _sessions.Refresh(name)));
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
    private List<(string Name, string? SharesWith, (ulong, ulong) Identity)> Arrange(
        List<(string Name, (ulong, ulong)? Identity)> listed, Dictionary<string, (ulong, ulong)> opened)
    {
        var names = listed.Select(l => l.Name).ToList();
        var open = new List<(string Name, (ulong, ulong) Key)>(listed.Count);
        var distinct = new HashSet<(ulong, ulong)>();
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

        var result = new List<(string, string?, (ulong, ulong))>(open.Count);
        var byInode = new Dictionary<(ulong, ulong), string>();
        foreach (var (name, key) in open)
        {
            if (byInode.TryGetValue(key, out var first))
            {
                result.Add((name, first, key));
            }
            else
            {
                byInode[key] = name;
                result.Add((name, null, key));
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

    /// <summary>Dumps one namespace; any thread (it touches only the session).</summary>
    private static NamespaceSnapshot Snapshot(string ns, Netlink.RouteNetlinkSession session) =>
        new(ns, session.DumpLinks(), session.DumpAddresses(), session.DumpRoutes());

    public void Dispose()
    {
        if (_ownsSessions) _sessions.Dispose();
    }
}
