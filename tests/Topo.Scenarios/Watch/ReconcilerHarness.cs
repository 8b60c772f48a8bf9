using Microsoft.Extensions.Logging;
using Topo.Cli;
using Topo.Cli.Commands.Watch;
using Topo.Cli.Linux;
using Topo.Scenarios.Support;

namespace Topo.Scenarios.Watch;

/// <summary>
/// A watcher's reconciler over a given host and change feed, for one topology file, with a run
/// directory of its own (removed with it): what the reconciler tests start and look into.
/// </summary>
internal sealed class ReconcilerHarness : IDisposable
{
    private readonly string _dir = Path.Combine(AppContext.BaseDirectory, "reconciler", Guid.NewGuid().ToString("N"));
    private readonly ResolverFollower _dns;

    public ReconcilerHarness(string spec, IHostAccess host, IChangeFeed feed, ILoggerFactory logs)
    {
        var file = TempSpec.Write(spec);
        var options = new WatchOptions(file) { RunDirectory = _dir };
        var source = new TopologySource(file);
        Assert.True(source.Reload().Valid);
        Store = new StatusStore(_dir, LinuxRunFiles.Instance);
        Queue = new TriggerQueue(options, TimeProvider.System);
        _dns = new ResolverFollower(host, logs);
        Reconciler = new Reconciler(options, Queue, source, host, feed, Store, _dns, TimeProvider.System, logs);
    }

    public Reconciler Reconciler { get; }

    public TriggerQueue Queue { get; }

    public StatusStore Store { get; }

    /// <summary>Starts the reconciler and waits for its first round.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await Reconciler.StartAsync(cancellationToken);
        await Reconciler.FirstRoundDone.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
    }

    public void Dispose()
    {
        Reconciler.Dispose();
        _dns.Dispose();
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }
}
