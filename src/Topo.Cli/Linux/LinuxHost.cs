using Topo.Core.Host;
using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Linux;
using Topo.Linux.Application;
using Topo.Linux.Nftables;
using Topo.Linux.Namespaces;
using Topo.Linux.Monitoring;
using Topo.Linux.Observation;

namespace Topo.Cli.Linux;

/// <summary>
/// The live host through Topo.Linux: one namespace thread, one netlink session per namespace,
/// opened on first use and reused by every command step; libnftables on a thread of its own. Named namespaces live where iproute2
/// keeps them; TOPO_NETNS_DIR and TOPO_ETC_NETNS_DIR move them, TOPO_RESOLV_CONF the host's
/// resolv.conf (tests, unusual hosts).
/// </summary>
internal sealed class LinuxHost : IHostAccess, IDisposable
{
    private readonly NamespaceThread _thread;
    private readonly NamespaceThread _firewallThread;
    private readonly NamespaceStore _store;
    private readonly NamespaceSessions _sessions;
    private readonly Observer _observer;
    private readonly Applier _applier;
    private readonly Task<NftablesClient> _nftables;

    private LinuxHost()
    {
        _thread = new NamespaceThread();
        _store = new NamespaceStore(Options(), _thread);
        // One netlink socket per namespace for the whole command: observe, apply, observe again.
        _sessions = new NamespaceSessions(_store, _thread.Home);
        _observer = new Observer(_sessions, ObserverOptions());
        _applier = new Applier(_sessions);
        // libnftables gets a thread of its own (in the host namespace, like the namespace
        // thread's home): loading it (~10 ms) overlaps with the command reading its file, and
        // reading the firewall with the namespace thread opening sockets. Its socket is opened
        // first thing (nft_ctx_new opens it), so its fd stays low: it waits with select(), which
        // aborts the process for an fd of 1024 or more, and we keep one per container. A missing
        // library fails only the commands that need it. Its listings are kept between commands
        // while nftables' generation stays the same (TableListingCache).
        _firewallThread = new NamespaceThread("topo-nft");
        _nftables = _firewallThread.Start(_firewallThread.Home, () =>
        {
            // Without CAP_NET_ADMIN libnftables prints its own "(you must be root)" line to stderr
            // when it lists a table: ask first, so the user reads one clear error.
            Privileges.RequireNetworkAdmin();
            return new NftablesClient(_firewallThread, _firewallThread.Home) { ListingCache = new TableListingCache(ListingCacheDirectory()) };
        });
    }

    public static IHostAccess Create() => new LinuxHost();

    /// <summary>Beside the netns directory, as the apply lock is: /run/topo-nft-cache.</summary>
    private static string ListingCacheDirectory() =>
        Path.Combine(Path.GetDirectoryName(Options().NetnsDirectory.TrimEnd('/')) ?? "/run", "topo-nft-cache");

    public static NamespaceStoreOptions Options()
    {
        var options = new NamespaceStoreOptions();
        if (Environment.GetEnvironmentVariable("TOPO_NETNS_DIR") is { Length: > 0 } netns) options = options with { NetnsDirectory = netns };
        if (Environment.GetEnvironmentVariable("TOPO_ETC_NETNS_DIR") is { Length: > 0 } etc) options = options with { EtcDirectory = etc };
        return options;
    }

    /// <summary>
    /// The host's resolv.conf: TOPO_RESOLV_CONF names another file (tests, unusual hosts), used
    /// as it is (no switch to systemd-resolved's file).
    /// </summary>
    public static ObserverOptions ObserverOptions() =>
        Environment.GetEnvironmentVariable("TOPO_RESOLV_CONF") is { Length: > 0 } path
            ? new ObserverOptions { ResolvConf = path, SystemdResolvConf = null }
            : new ObserverOptions();

    /// <summary>
    /// Every project's namespaces are read, not only this one's: the shared default bridge's
    /// addresses are handed out across projects, so IPAM must see them all. The firewall is read
    /// meanwhile on its own thread (nfnetlink and rtnetlink do not wait for each other).
    /// </summary>
    public HostState Observe(string project, IReadOnlyCollection<string> sysctls, KnownUnchanged? known = null)
    {
        var firewall = _firewallThread.Start(_firewallThread.Home, () => FirewallObserver.Observe(Nftables));
        var state = _observer.Observe(project: null, sysctls, known);
        var reading = firewall.GetAwaiter().GetResult();
        return state with { Firewall = reading.Resources, DockerUserChain = reading.DockerUserChain, ForeignFirewall = reading.Foreign };
    }

    public IReadOnlyList<SysctlState> ReadSysctls(IEnumerable<string> keys) => _observer.ReadSysctls(keys);

    /// <summary>libnftables (a clear error names the Debian package when it is missing).</summary>
    private NftablesClient Nftables => _nftables.GetAwaiter().GetResult();

    /// <summary>Before the lock (a file in /run) and before any change: may this process change the network at all?</summary>
    public IDisposable Lock(Action<string>? notice = null)
    {
        Privileges.RequireNetworkAdmin();
        var held = _applier.AcquireLock(notice);
        foreach (var line in _applier.Recovered) notice?.Invoke($"recovered: {line}");
        return held;
    }

    public ApplyOutcome Apply(Plan plan, Action<PlanStep>? onStep)
    {
        if (plan.Actions.Any(a => a.Subject.Kind is ResourceKind.FirewallTable or ResourceKind.FirewallChain or ResourceKind.FirewallSet or ResourceKind.FirewallRule or ResourceKind.FirewallElement))
            _applier.UseNftables(Nftables);
        var report = _applier.Apply(plan, onStep);
        return new ApplyOutcome(report.Steps.Count, report.WriteRequests, report.Elapsed);
    }

    private readonly NetworkRecordFiles _records = NetworkRecordFiles.Default();

    public IReadOnlyList<Core.Inventory.NetworkRecord> ReadRecords(string owner) => _records.Read(owner);

    public void WriteRecords(string owner, IReadOnlyList<Core.Inventory.NetworkRecord> records) => _records.Write(owner, records);

    public IChangeFeed OpenChangeFeed() => new LinuxChangeFeed(new KernelMonitor(_thread, _thread.Home), _store);

    public IEmbeddedResolver OpenResolver(Microsoft.Extensions.Logging.ILogger log) => new LinuxResolver(_store, log);

    public void Dispose()
    {
        ((IAsyncResult)_nftables).AsyncWaitHandle.WaitOne(); // it runs on the thread disposed below
        if (_nftables.IsCompletedSuccessfully) _nftables.Result.Dispose();
        _firewallThread.Dispose();
        _applier.Dispose();
        _observer.Dispose();
        _sessions.Dispose();
        _thread.Dispose();
    }
}
