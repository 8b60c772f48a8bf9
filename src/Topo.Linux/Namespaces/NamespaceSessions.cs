using Topo.Core.Errors;
using Topo.Core.Model;
using Topo.Linux.Netlink;

namespace Topo.Linux.Namespaces;

/// <summary>
/// One rtnetlink session per namespace, opened once (on the namespace thread) and reused.
/// The host is <see cref="HostState.Host"/> (""); other names come from the store.
/// </summary>
public sealed class NamespaceSessions : IDisposable
{
    private readonly Dictionary<string, RouteNetlinkSession> _sessions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NetNamespace> _handles = new(StringComparer.Ordinal);
    // Namespaces whose handle was closed once their socket was open (Release): what they were.
    private readonly Dictionary<string, NamespaceIdentity> _released = new(StringComparer.Ordinal);
    private long _closedWrites;

    public NamespaceSessions(NamespaceStore store, NetNamespace host)
    {
        Store = store;
        Host = host;
    }

    public NamespaceStore Store { get; }

    public NetNamespace Host { get; }

    public NamespaceThread Thread => Store.Thread;

    /// <summary>Write requests sent through every session, including closed ones.</summary>
    public long WriteRequests => _closedWrites + _sessions.Values.Sum(s => s.WriteRequests);

    /// <summary>The open handle of NAME; reopened from the store if it was released. Do not keep it past a <see cref="Release"/>.</summary>
    public NetNamespace Handle(string ns)
    {
        if (ns == HostState.Host) return Host;
        if (!_handles.TryGetValue(ns, out var handle))
        {
            handle = Store.Open(ns);
            _handles[ns] = handle;
            _released.Remove(ns);
        }
        return handle;
    }

    /// <summary>
    /// Closes the handle of NAME once its socket is open (the socket keeps the namespace alive and
    /// is all dumps and writes need): one fd per namespace instead of two, which keeps the
    /// process under select()'s 1024 in libnftables longer. <see cref="Handle"/> reopens it.
    /// </summary>
    internal void Release(string ns)
    {
        if (!_sessions.ContainsKey(ns) || !_handles.Remove(ns, out var handle)) return;
        _released[ns] = handle.Identity;
        handle.Dispose();
    }

    /// <summary>
    /// Creates namespace NAME in the store and opens its session in the same trip to the
    /// namespace thread (one hand-off per namespace instead of two). IPv6 is turned off for the
    /// interfaces that will arrive (<see cref="Ipv6Default"/>) by a second thread meanwhile:
    /// that write walks /proc/sys, which gets slower with every namespace on the host (a third
    /// of creating 500 of them), and nothing needs it before an interface moves in
    /// (<see cref="AwaitDefaults"/>).
    /// </summary>
    /// <param name="beforeNaming">See <see cref="NamespaceStore.Create"/>.</param>
    /// <param name="ipv6Later">
    /// An interface there will have IPv6: the helper keeps the namespace's conf directory from its
    /// walk, for turning IPv6 on (<see cref="TakeIpv6Conf"/>). Every walk of /proc/sys compares
    /// against every namespace's entries of the same name: at 500 dual-stack containers, a second
    /// one each was 7 % of applying them.
    /// </param>
    public NetNamespace CreateNamespace(string ns, Action<NamespaceIdentity>? beforeNaming = null, bool ipv6Later = false)
    {
        Netlink.Transport.NetlinkSocket? socket = null;
        NetNamespace handle;
        try
        {
            handle = Store.Create(ns, () => socket = Netlink.Transport.NetlinkSocket.Open(), beforeNaming);
        }
        catch
        {
            socket?.Dispose();
            throw;
        }
        Adopt(ns, handle);
        _sessions[ns] = new RouteNetlinkSession(socket!);
        var own = Store.Open(ns); // the job's own: the handle above may be released before it runs
        _defaults[ns] = Helper.Start(Helper.Home, () =>
        {
            using (own)
            {
                own.Enter();
                if (ipv6Later) return Ipv6Default.DisableInCurrentNamespaceKeepingConf();
                Ipv6Default.DisableInCurrentNamespace();
            }
            return NoConf;
        });
        return handle;
    }

    private const int NoConf = -1;

    /// <summary>Each namespace created here whose defaults are not awaited yet: its conf directory once they are set (or <see cref="NoConf"/>).</summary>
    private readonly Dictionary<string, Task<int>> _defaults = new(StringComparer.Ordinal);

    /// <summary>Conf directories kept for turning IPv6 on (see <see cref="CreateNamespace"/>), until taken.</summary>
    private readonly Dictionary<string, int> _ipv6Conf = new(StringComparer.Ordinal);

    /// <summary>
    /// The /proc/sys/net/ipv6/conf directory kept when NS was created here with IPv6 to come
    /// (the caller closes it; use it only on a thread inside NS), or null: open one.
    /// </summary>
    public int? TakeIpv6Conf(string ns)
    {
        AwaitDefaults(ns);
        return _ipv6Conf.Remove(ns, out var fd) ? fd : null;
    }

    private NamespaceThread? _helper;

    /// <summary>The second namespace thread, started on first use.</summary>
    private NamespaceThread Helper => _helper ??= new NamespaceThread("topo-netns-defaults");

    /// <summary>Waits until namespace NS created here has its defaults (before an interface moves in); rethrows a failure.</summary>
    public void AwaitDefaults(string ns)
    {
        if (!_defaults.Remove(ns, out var pending)) return;
        if (pending.GetAwaiter().GetResult() is >= 0 and var conf) _ipv6Conf[ns] = conf;
    }

    /// <summary>Waits for every namespace created here to have its defaults; the first failure names its namespace.</summary>
    public void AwaitAllDefaults()
    {
        foreach (var ns in _defaults.Keys.ToList())
        {
            try
            {
                AwaitDefaults(ns);
            }
            catch (Exception e) when (e is IOException or SyscallException or UnauthorizedAccessException)
            {
                throw new NamespaceDefaultsException(ns, e);
            }
        }
    }

    /// <summary>The open session of NAME, if there is one (no socket is opened).</summary>
    internal RouteNetlinkSession? Existing(string ns) => _sessions.GetValueOrDefault(ns);

    /// <summary>
    /// Keeps a session opened elsewhere (on the namespace thread, for a concurrent read), in the
    /// namespace whose identity was <paramref name="identity"/> when it was opened.
    /// </summary>
    internal void AdoptSession(string ns, RouteNetlinkSession session, NamespaceIdentity identity)
    {
        if (_sessions.Remove(ns, out var old))
        {
            _closedWrites += old.WriteRequests;
            old.Dispose();
        }
        _sessions[ns] = session;
        if (!_handles.ContainsKey(ns)) _released[ns] = identity;
    }

    /// <summary>True when anything of NAME is kept (a handle, a session, what a released one was): <see cref="Refresh"/> must check it is still valid.</summary>
    internal bool Knows(string ns) => _sessions.ContainsKey(ns) || _handles.ContainsKey(ns) || _released.ContainsKey(ns);

    internal RouteNetlinkSession For(string ns)
    {
        if (!_sessions.TryGetValue(ns, out var session))
        {
            session = new RouteNetlinkSession(Thread.OpenSocket(Handle(ns)));
            _sessions[ns] = session;
        }
        return session;
    }

    /// <summary>
    /// Re-opens NAME from the store and keeps the cached handle and session only if it is still
    /// the same namespace (a long-lived observer must not read a namespace that was replaced).
    /// </summary>
    /// <returns>The namespace's nsfs device and inode (its identity).</returns>
    public NamespaceIdentity Refresh(string ns)
    {
        var identity = Store.Identity(ns);
        if ((_handles.TryGetValue(ns, out var cached) && cached.Identity == identity)
            || (_released.TryGetValue(ns, out var was) && was == identity))
        {
            return identity;
        }
        // New or replaced: nothing cached is valid. No fd is kept: a socket opened later is enough.
        Forget(ns);
        _released[ns] = identity;
        return identity;
    }

    /// <summary>Drops everything cached for names not in <paramref name="names"/> (deleted behind our back).</summary>
    public void Retain(IReadOnlyCollection<string> names)
    {
        // A set: the store lists its names as a list, and 2,000 names asked of it 4,000 times were 6 ms an observation.
        var kept = names as IReadOnlySet<string> ?? names.ToHashSet(StringComparer.Ordinal);
        foreach (var ns in _handles.Keys.Concat(_sessions.Keys).Where(n => n != HostState.Host && !kept.Contains(n)).Distinct().ToList()) Forget(ns);
    }

    /// <summary>Adopts a handle just created (saves reopening it).</summary>
    public void Adopt(string ns, NetNamespace handle)
    {
        Forget(ns);
        _handles[ns] = handle;
    }

    /// <summary>
    /// Brings the namespace threads home: a thread stays in the namespace it last entered, and
    /// keeps it alive — after its name is deleted, its devices would live on with it.
    /// </summary>
    public void LeaveNamespaces()
    {
        Thread.Run(Thread.Home, static () => { });
        _helper?.Run(_helper.Home, static () => { });
    }

    /// <summary>Drops the session and handle of a namespace (after its name was deleted).</summary>
    public void Forget(string ns)
    {
        if (_defaults.Remove(ns, out var pending))
        {
            ((IAsyncResult)pending).AsyncWaitHandle.WaitOne(); // gone anyway: only its order matters
            if (pending.IsCompletedSuccessfully && pending.Result >= 0) Tmds.Linux.LibC.close(pending.Result);
        }
        if (_ipv6Conf.Remove(ns, out var conf)) Tmds.Linux.LibC.close(conf);
        if (_sessions.Remove(ns, out var session))
        {
            _closedWrites += session.WriteRequests;
            session.Dispose();
        }
        if (_handles.Remove(ns, out var handle)) handle.Dispose();
        _released.Remove(ns);
    }

    public void Dispose()
    {
        foreach (var ns in _defaults.Keys.ToList()) Forget(ns);
        foreach (var ns in _sessions.Keys.Concat(_handles.Keys).Concat(_ipv6Conf.Keys).Distinct().ToList()) Forget(ns);
        _helper?.Dispose();
    }
}

/// <summary>A namespace topo created could not be given its defaults (IPv6 off).</summary>
public sealed class NamespaceDefaultsException(string ns, Exception inner)
    : TopoException($"cannot turn IPv6 off in namespace {ns}: {inner.Message}", inner)
{
    public string Namespace { get; } = ns;
}
