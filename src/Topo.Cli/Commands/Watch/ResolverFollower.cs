using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Topo.Core.Dns;
using Topo.Core.Resolution;

namespace Topo.Cli.Commands.Watch;

/// <summary>
/// Keeps the embedded DNS resolvers on the topology the last round resolved: after every round
/// that planned, the views are built again (unchanged zones reused as the same instances) and
/// handed to the resolvers, which touch only the namespaces whose answers or identity changed.
/// A round that could not plan leaves the resolvers as they were.
/// </summary>
internal sealed partial class ResolverFollower(IHostAccess host, ILoggerFactory logs) : IDisposable
{
    private readonly ILogger _log = logs.CreateLogger("topo.dns");
    private IEmbeddedResolver? _resolver;
    private IReadOnlyList<DnsView> _views = [];
    private int _failing;

    public void Follow(Topology topology)
    {
        var clock = Stopwatch.StartNew();
        _views = DnsViews.Build(topology, _views);
        ResolverUpdate update;
        try
        {
            update = (_resolver ??= host.OpenResolver(_log)).Update(_views);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Name service is a part of the watcher, not its reason to exist: the networks stay converged.
            LogFailure(_log, $"any namespace: {e.Message}");
            _failing = 1;
            return;
        }
        if (update.Touched)
            LogUpdated(_log, update.Started, update.Changed, update.Rebound, update.Stopped, update.Unchanged, clock.Elapsed.TotalMilliseconds);
        foreach (var failure in update.Failures) LogFailure(_log, failure);
        if (_failing > 0 && update.Failures.Count == 0) LogRecovered(_log);
        _failing = update.Failures.Count;
    }

    public void Dispose() => _resolver?.Dispose();

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "dns: {Started} started, {Changed} updated, {Rebound} bound again, {Stopped} stopped, {Unchanged} unchanged in {Ms:F1} ms")]
    private static partial void LogUpdated(ILogger logger, int started, int changed, int rebound, int stopped, int unchanged, double ms);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "dns: cannot serve {Failure}; tried again next round")]
    private static partial void LogFailure(ILogger logger, string failure);

    [LoggerMessage(EventId = 22, Level = LogLevel.Information, Message = "dns: every resolver serves again")]
    private static partial void LogRecovered(ILogger logger);
}
