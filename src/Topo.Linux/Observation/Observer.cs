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
public sealed class Observer : IDisposable
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
        var links = ImmutableArray.CreateBuilder<LinkState>();
        var addresses = ImmutableArray.CreateBuilder<AddressState>();
        var routes = ImmutableArray.CreateBuilder<RouteState>();
        var namespaces = ImmutableArray.CreateBuilder<NamespaceState>();

        var snapshots = new List<(NamespaceSnapshot Snapshot, Label Owner)>();
        var listed = ListNames();
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
            var lo = snapshot.Links.FirstOrDefault(l => (l.Flags & InterfaceFlags.Loopback) != 0);
            if (!Label.TryParse(lo?.Alias, out var owner))
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
        // Files of every topo name (shared ones too: each has its own /etc/netns/NAME).
        var files = _files.Read(
            namespaces.Where(n => n.Owner is { } o && (project is null || o.Project == project)).Select(n => n.Name),
            [.. listed.Select(l => l.Name)],
            filesUnchanged ?? (_ => false));
        return new HostState(namespaces.ToImmutable(), links.ToImmutable(), addresses.ToImmutable(), routes.ToImmutable(), sysctlStates)
        {
            Files = files,
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
            catch (IOException)
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

    private static void AddLinks(
        NamespaceSnapshot snapshot,
        NamespaceSnapshot host,
        VethPeers peers,
        ImmutableArray<LinkState>.Builder links,
        ImmutableArray<AddressState>.Builder addresses,
        ImmutableArray<RouteState>.Builder routes,
        Label? namespaceOwner)
    {
        var isHost = namespaceOwner is null;
        var owners = new Dictionary<int, Label?>();
        foreach (var link in snapshot.Links)
        {
            if (link.Name is null) continue;
            var isLoopback = (link.Flags & InterfaceFlags.Loopback) != 0;
            Label.TryParse(link.Alias, out var owner);
            if (!isHost && isLoopback)
            {
                // The namespace's lo: its label is the NamespaceState's, but whether it is up is
                // its own (down, a container cannot reach itself). Its addresses are the kernel's.
                links.Add(ToLinkState(link, snapshot, host, peers, isLoopback) with { Owner = owner });
                continue;
            }
            owners[link.Index] = owner;
            links.Add(ToLinkState(link, snapshot, host, peers, isLoopback) with { Owner = owner });
        }

        foreach (var address in snapshot.Addresses)
        {
            if (address.Prefix is not { } prefix || !owners.TryGetValue(address.Index, out var owner)) continue;
            var linkName = snapshot.NameOf(address.Index);
            if (linkName is null) continue;
            addresses.Add(new AddressState(snapshot.Name, linkName, prefix) { Owner = owner });
        }

        foreach (var route in snapshot.Routes)
        {
            if (route.Protocol == RouteProtocol.Kernel || route.Type != RouteType.Unicast) continue;
            var device = route.OutputInterface is { } oif ? snapshot.NameOf(oif) : null;
            Label? owner = isHost
                ? (route.OutputInterface is { } i && owners.TryGetValue(i, out var o) ? o : null)
                : namespaceOwner;
            routes.Add(new RouteState(snapshot.Name, route.DestinationPrefix, (int)(route.Priority ?? 0))
            {
                Gateway = route.Gateway,
                Device = device,
                Owner = owner,
            });
        }
    }

    private static LinkState ToLinkState(
        LinkMessage link, NamespaceSnapshot snapshot, NamespaceSnapshot host,
        VethPeers peers, bool isLoopback)
    {
        var kind = link.Kind is { } k && LinkKindRegistry.Find(k) is { } driver
            ? driver.ModelKind
            : isLoopback ? LinkKind.Loopback : LinkKind.Other;
        var state = new LinkState(snapshot.Name, link.Name!, kind)
        {
            Up = link.IsUp,
            Mtu = link.Mtu is { } mtu ? (int)mtu : null,
            Mac = link.Address is { Length: LinkSizes.MacAddress } mac && !isLoopback ? MacAddress.FromBytes(mac) : null,
            Master = link.Master is { } master and > 0 ? snapshot.NameOf(master) : null,
        };
        if (state.Master is not null && link.SlaveKind == BridgeDriver.KindName && link.SlaveData is { } port)
        {
            state = state with { Isolated = port.Isolated ?? false, Hairpin = port.Hairpin ?? false };
        }
        switch (link.KindData)
        {
            case VethData when link.Link is { } peerIndex:
                state = state with { Peer = FindPeer(link, peerIndex, snapshot, peers) };
                break;
            case MacvlanData macvlan:
                state = state with { MacvlanMode = MacvlanData.ToModel(macvlan.Mode), Parent = Lower(link, snapshot, host) };
                break;
            case VlanData vlan:
                state = state with { VlanId = vlan.Id, Parent = Lower(link, snapshot, host) };
                break;
        }
        return state;
    }

    /// <summary>The lower device of a macvlan/vlan: in the same namespace, or (IFLA_LINK_NETNSID set) in the host.</summary>
    private static LinkRef? Lower(LinkMessage link, NamespaceSnapshot snapshot, NamespaceSnapshot host)
    {
        if (link.Link is not { } index || index == 0) return null;
        var where = link.LinkNetNsId is null ? snapshot : host;
        return where.NameOf(index) is { } name ? new LinkRef(where.Name, name) : null;
    }

    /// <summary>
    /// The other end of a veth: same namespace when there is no IFLA_LINK_NETNSID; else the veth
    /// in another observed namespace whose index is our IFLA_LINK and whose IFLA_LINK is our index
    /// (the host first: topo's veths always have one end there).
    /// </summary>
    private static LinkRef? FindPeer(LinkMessage link, int peerIndex, NamespaceSnapshot snapshot, VethPeers peers)
    {
        if (link.LinkNetNsId is null)
        {
            return snapshot.NameOf(peerIndex) is { } name ? new LinkRef(snapshot.Name, name) : null;
        }
        return peers.Find(link, peerIndex, snapshot);
    }

    public void Dispose()
    {
        if (_ownsSessions) _sessions.Dispose();
    }
}
