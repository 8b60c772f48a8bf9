using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Linux.Application;
using Topo.Linux.Nftables;
using Topo.Linux.Namespaces;
using Topo.Linux.Monitoring;
using Topo.Linux.Observation;

namespace Topo.Cli;

/// <summary>
/// The live host through Topo.Linux: one namespace thread, one netlink session per namespace,
/// opened on first use and reused by every command step. Named namespaces live where iproute2
/// keeps them; TOPO_NETNS_DIR and TOPO_ETC_NETNS_DIR move them (tests, unusual hosts).
/// </summary>
internal sealed class LinuxHost : IHostAccess, IDisposable
{
    private readonly NamespaceThread _thread;
    private readonly NamespaceStore _store;
    private readonly NamespaceSessions _sessions;
    private readonly Observer _observer;
    private readonly Applier _applier;

    private LinuxHost()
    {
        _thread = new NamespaceThread();
        _store = new NamespaceStore(Options(), _thread);
        // One netlink socket per namespace for the whole command: observe, apply, observe again.
        _sessions = new NamespaceSessions(_store, _thread.Home);
        _observer = new Observer(_sessions);
        _applier = new Applier(_sessions);
        // Before any namespace is opened: libnftables waits on its socket with select(), which
        // aborts the process for an fd of 1024 or more — and we keep two fds per container.
        try
        {
            _nftables = new NftablesClient(_thread, _thread.Home);
            _nftables.ListTables(); // makes it open its socket now, with a low fd
            _applier.UseNftables(_nftables);
        }
        catch (NftablesUnavailableException e)
        {
            _nftablesMissing = e; // only commands that need the firewall fail, naming the package
        }
    }

    private readonly NftablesUnavailableException? _nftablesMissing;

    public static IHostAccess Create() => new LinuxHost();

    public static NamespaceStoreOptions Options()
    {
        var options = new NamespaceStoreOptions();
        if (Environment.GetEnvironmentVariable("TOPO_NETNS_DIR") is { Length: > 0 } netns) options = options with { NetnsDirectory = netns };
        if (Environment.GetEnvironmentVariable("TOPO_ETC_NETNS_DIR") is { Length: > 0 } etc) options = options with { EtcDirectory = etc };
        return options;
    }

    /// <summary>
    /// Every project's namespaces are read, not only this one's: the shared default bridge's
    /// addresses are handed out across projects, so IPAM must see them all.
    /// </summary>
    public HostState Observe(string project, IReadOnlyCollection<string> sysctls, Func<string, bool>? unchanged = null)
    {
        var state = _observer.Observe(project: null, sysctls, unchanged);
        return state with { Firewall = FirewallObserver.Observe(Nftables) };
    }

    public IReadOnlyList<SysctlState> ReadSysctls(IEnumerable<string> keys) => _observer.ReadSysctls(keys);

    private readonly NftablesClient? _nftables;

    /// <summary>libnftables (a clear error names the Debian package when it is missing).</summary>
    private NftablesClient Nftables => _nftables ?? throw _nftablesMissing!;

    public IDisposable Lock() => _applier.AcquireLock();

    public ApplyOutcome Apply(Plan plan, Action<PlanStep>? onStep)
    {
        var report = _applier.Apply(plan, onStep);
        return new ApplyOutcome(report.Steps.Count, report.WriteRequests, report.Elapsed);
    }

    public IChangeFeed OpenChangeFeed() => new LinuxChangeFeed(new KernelMonitor(_thread, _thread.Home), _store);

    public void Dispose()
    {
        _nftables?.Dispose();
        _applier.Dispose();
        _observer.Dispose();
        _sessions.Dispose();
        _thread.Dispose();
    }
}
