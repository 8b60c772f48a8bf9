using System.Collections.Immutable;
using Topo.Core.Addressing;
using Topo.Core.Host;
using Topo.Core.Model;
using Topo.Linux.Namespaces;
using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.LinkKinds;
using Topo.Linux.Netlink.Messages;

namespace Topo.Linux.Observation;

/// <summary>
/// Reads the kernel into a <see cref="HostState"/>: the host namespace (every link, foreign ones
/// with a null owner; their IPv4 and IPv6 addresses but the kernel's link-local ones; main-table routes) and every named namespace whose
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

    /// <summary>The host as it was last read (its links stand for those a later observation is told not to read again).</summary>
    private NamespaceSnapshot? _lastHost;

    /// <summary>What each named namespace held when it was last read, and which namespace that was.</summary>
    private Dictionary<string, NamespaceReading> _lastRead = new(StringComparer.Ordinal);

    /// <summary>Observes the host.</summary>
    /// <param name="project">When set, namespaces of other projects are listed but not read.</param>
    /// <param name="sysctls">Dotted keys to read in the host namespace (e.g. net.ipv4.ip_forward).</param>
    /// <param name="known">
    /// What is known not to have changed since this observer last read it (see
    /// <see cref="KnownUnchanged"/>): named namespaces (reused while the name still leads to the
    /// same namespace), /etc/netns files, and all host links but some. Null: everything is read.
    /// </param>
    public HostState Observe(string? project = null, IEnumerable<string>? sysctls = null, KnownUnchanged? known = null)
    {
        var listed = ListNames();
        // Files need no namespace and no rtnl lock: read on a pool thread while the kernel is
        // dumped (every listed name; those of topo namespaces are kept at the end).
        var fileNames = listed.Select(l => l.Name).ToList();
        var filesUnchanged = known?.Files ?? (_ => false);
        var files = Task.Run(() => _files.Read(fileNames, filesUnchanged));
        try
        {
            return Observe(project, sysctls, known, listed, files);
        }
        finally
        {
            // Never left running: the next observation reads with the same state.
            ((IAsyncResult)files).AsyncWaitHandle.WaitOne();
        }
    }

    private HostState Observe(string? project, IEnumerable<string>? sysctls, KnownUnchanged? known,
        List<ListedName> listed, Task<FileObservation.Reading> files)
    {
        var reused = Reusable(listed, known?.Namespaces);
        var (host, read, opened) = ReadKernel(listed, reused, known?.HostLinksToRead);
        _lastHost = host;
        var named = Sort(listed, Arrange(listed, opened), read, reused, project);
        _lastRead = named.Read;
        var (links, addresses, routes) = Model(host, named.Ours);
        var sysctlStates = sysctls is null ? [] : ReadSysctls(sysctls);
        return new HostState(named.Namespaces, links, addresses, routes, sysctlStates)
        {
            Files = FilesOf(named.Namespaces, project, files.GetAwaiter().GetResult()),
            HostResolvConf = _files.ReadHostResolvConf(),
        };
    }

    /// <summary>
    /// The last readings that stand for this observation: names the caller knows unchanged
    /// (see <c>unchanged</c>), still leading to the namespace that was read.
    /// </summary>
    private Dictionary<string, NamespaceSnapshot> Reusable(List<ListedName> listed, Func<string, bool>? unchanged)
    {
        var reused = new Dictionary<string, NamespaceSnapshot>(StringComparer.Ordinal);
        if (unchanged is null) return reused;
        foreach (var (name, identity) in listed)
        {
            if (identity is { } id && unchanged(name) && _lastRead.TryGetValue(name, out var last) && last.Identity == id) reused[name] = last.Snapshot;
        }
        return reused;
    }

    /// <summary>
    /// Dumps the host (but for its links, when <paramref name="hostLinksToRead"/> says which changed
    /// since the last reading), and every listed namespace but the reused ones: the namespace thread
    /// opens sockets while this thread dumps the host (alone: see ConcurrentSnapshots). Names with no
    /// namespace behind them (any more) have no snapshot.
    /// </summary>
    private (NamespaceSnapshot Host, Dictionary<string, NamespaceSnapshot> Read, Dictionary<string, NamespaceIdentity> Opened) ReadKernel(
        List<ListedName> listed, Dictionary<string, NamespaceSnapshot> reused, IReadOnlySet<string>? hostLinksToRead)
    {
        // The host's socket is opened first: the namespace thread is busy after.
        var hostSession = _sessions.For(HostState.Host);
        var reading = new ConcurrentSnapshots(_sessions, [.. listed.Select(n => n.Name).Where(n => !reused.ContainsKey(n))], Snapshot);
        NamespaceSnapshot host;
        try
        {
            host = hostLinksToRead is not null && _lastHost is { } last
                ? HostWithLinksReadAgain(hostSession, last, hostLinksToRead)
                : Snapshot(HostState.Host, hostSession);
        }
        catch
        {
            // The namespace thread waits for Complete before it helps: without it, it would wait
            // forever (and so would disposing it). The host's failure is the one to report.
            try { reading.Complete(); } catch (Exception) { }
            throw;
        }
        return (host, reading.Complete(), reading.Opened);
    }

    /// <summary>What <see cref="Sort"/> made of the names: every name's state, the topo namespaces to model, and what was read.</summary>
    private sealed record SortedNames(
        ImmutableArray<NamespaceState> Namespaces,
        List<(NamespaceSnapshot Snapshot, Label Owner)> Ours,
        Dictionary<string, NamespaceReading> Read);

    /// <summary>
    /// Each name as the model has it. A name whose namespace vanished while it was read, or a
    /// namespace without topo's label on its lo, is foreign: listed without an owner, so that a
    /// plan wanting the name is refused before any change, and never read further. A second name
    /// of a namespace points at the first (container mode). Only the project's namespaces (all, when
    /// <paramref name="project"/> is null) are modelled.
    /// </summary>
    private static SortedNames Sort(List<ListedName> listed, List<ArrangedName> named, Dictionary<string, NamespaceSnapshot> read,
        Dictionary<string, NamespaceSnapshot> reused, string? project)
    {
        var namespaces = ImmutableArray.CreateBuilder<NamespaceState>();
        var ours = new List<(NamespaceSnapshot Snapshot, Label Owner)>();
        var lastRead = new Dictionary<string, NamespaceReading>(named.Count, StringComparer.Ordinal);
        var rerooted = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (listedName, sharesWith, identity) in named)
        {
            var name = listedName;
            if (!read.TryGetValue(name, out var snapshot) && !reused.TryGetValue(name, out snapshot))
            {
                namespaces.Add(new NamespaceState(name));
                continue;
            }
            lastRead[name] = new NamespaceReading(identity, snapshot);
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
            ours.Add((snapshot, owner));
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
        return new SortedNames(namespaces.ToImmutable(), ours, lastRead);
    }

    /// <summary>The host's links, addresses and routes, then those of each topo namespace (a reused reading keeps its model).</summary>
    private static (ImmutableArray<LinkState>, ImmutableArray<AddressState>, ImmutableArray<RouteState>) Model(
        NamespaceSnapshot host, List<(NamespaceSnapshot Snapshot, Label Owner)> ours)
    {
        var links = ImmutableArray.CreateBuilder<LinkState>();
        var addresses = ImmutableArray.CreateBuilder<AddressState>();
        var routes = ImmutableArray.CreateBuilder<RouteState>();
        var peers = new VethPeers(host, ours.Select(s => s.Snapshot));
        AddLinks(host, host, peers, links, addresses, routes, namespaceOwner: null);
        foreach (var (snapshot, owner) in ours)
        {
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
        return (links.ToImmutable(), addresses.ToImmutable(), routes.ToImmutable());
    }

    /// <summary>Files of every topo name of the project (shared ones too: each has its own /etc/netns/NAME), and leftovers.</summary>
    private static ImmutableArray<NamespaceFileState> FilesOf(ImmutableArray<NamespaceState> namespaces, string? project, FileObservation.Reading reading)
    {
        var files = ImmutableArray.CreateBuilder<NamespaceFileState>();
        foreach (var ns in namespaces)
        {
            if (ns.Owner is { } o && (project is null || o.Project == project) && reading.ByName.TryGetValue(ns.Name, out var these))
                files.AddRange(these);
        }
        files.AddRange(reading.Leftovers);
        return files.ToImmutable();
    }

    /// <summary>
    /// Reads kernel settings of the host namespace (/proc/sys/net is per namespace, so on the
    /// namespace thread, in one hand-off); a key that does not exist (yet) is left out, but for
    /// accept_ra on a kernel without IPv6, which reads 0 (<see cref="SysctlPath.IsAcceptRaWithoutIpv6"/>).
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
                else if (SysctlPath.IsAcceptRaWithoutIpv6(key)) found.Add(new SysctlState(HostState.Host, key, "0"));
            }
            return found.ToImmutable();
        });
    }

    /// <summary>Dumps one namespace; any thread (it touches only the session).</summary>
    private static NamespaceSnapshot Snapshot(string ns, Netlink.RouteNetlinkSession session) =>
        new(ns, session.DumpLinks(), session.DumpModelledAddresses(), session.DumpModelledRoutes());

    /// <summary>
    /// The host with its links taken from <paramref name="last"/> but for <paramref name="names"/>,
    /// each read again by name (gone if the kernel has no such link now; a link that took another's
    /// index replaces it); its addresses and routes dumped whole, as always. An address or route on
    /// a link this does not know (made since, its news not here yet) makes it dump the links after
    /// all: the model has no address without its link.
    /// </summary>
    private static NamespaceSnapshot HostWithLinksReadAgain(Netlink.RouteNetlinkSession session, NamespaceSnapshot last, IReadOnlySet<string> names)
    {
        var fresh = new Dictionary<int, LinkMessage>(names.Count); // by index: two names can lead to one link (a rename, an altname)
        foreach (var name in names)
        {
            if (session.GetObservedLink(name) is { } link) fresh[link.Index] = link;
        }
        var links = new List<LinkMessage>(last.Links.Count + fresh.Count);
        foreach (var link in last.Links)
        {
            if (!(link.Name is { } name && names.Contains(name)) && !fresh.ContainsKey(link.Index)) links.Add(link);
        }
        links.AddRange(fresh.Values);
        links.Sort((a, b) => a.Index.CompareTo(b.Index)); // the order of a dump
        var addresses = session.DumpModelledAddresses();
        var routes = session.DumpModelledRoutes();
        var known = links.Select(l => l.Index).ToHashSet();
        if (addresses.Any(a => !known.Contains(a.Index)) || routes.Any(r => r.OutputInterface is { } index and not 0 && !known.Contains(index)))
        {
            links = session.DumpLinks();
        }
        return new NamespaceSnapshot(HostState.Host, links, addresses, routes);
    }

    public void Dispose()
    {
        if (_ownsSessions) _sessions.Dispose();
    }
}
