using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Topo.Cli.Output;
using Topo.Core.Host;
using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Rendering;
using Topo.Core.Spec;

namespace Topo.Cli.Commands.Watch;

/// <summary>
/// The watcher's loop: take a burst of triggers, read the file again if one asks for it, then
/// one full <see cref="Convergence"/> round against the live host — an event only ever means
/// "look again" (there: a round reads again the host and the namespaces the kernel reported a
/// change in, and every namespace after a start, a resync, a failure or lost notifications).
/// Rounds never overlap, and SIGTERM lets the current one finish: the topology stays in place
/// when the watcher stops.
/// </summary>
internal sealed partial class Reconciler(
    WatchOptions options,
    TriggerQueue queue,
    TopologySource source,
    IHostAccess host,
    IChangeFeed feed,
    StatusStore statusStore,
    ResolverFollower dns,
    TimeProvider time,
    ILoggerFactory logs) : BackgroundService
{
    private readonly ILogger log = logs.CreateLogger("topo.watch");
    private readonly DateTimeOffset _started = time.GetLocalNow();
    private long _reconciles;
    private long _driftRepairs;
    private long _failures;
    private int _failuresInARow;
    private ReconcileRecord? _last;
    private string? _plan;
    private long _busySince; // timestamp (of `time`) while a round runs, else 0 (for the watchdog)
    private long _holdUntil; // timestamp: after a failure, no round before it (see ScheduleRetry)
    private string? _note; // said of the file in this round (it turned invalid)
    private string[] _warnings = []; // of the last round that planned (LogWarningsIfChanged)

    /// <summary>How long the current round has run (zero between rounds); a stuck round stops the watchdog.</summary>
    public TimeSpan Busy => Interlocked.Read(ref _busySince) is var since and > 0 ? time.GetElapsedTime(since) : TimeSpan.Zero;

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        await Task.Yield(); // let the host finish starting
        var spec = source.Current!; // WatchCommand loaded it: a watcher never starts on a broken file
        LogLoaded(log, source.Path, spec.Name, spec.Networks.Length, spec.Containers.Length, source.Fingerprint);
        queue.Post(new Trigger(TriggerKind.Start, "start"));
        using var resync = new PeriodicTimer(options.Resync, time);
        _ = ResyncAsync(resync, stop);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var burst = await queue.NextBurstAsync(stop, _holdUntil);
                Interlocked.Exchange(ref _busySince, time.GetTimestamp());
                try
                {
                    Round(burst);
                }
                finally
                {
                    Interlocked.Exchange(ref _busySince, 0);
                }
                FirstRoundDone.TrySetResult();
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch
        {
            Environment.ExitCode = ExitCodes.Error; // the host stops (StopHost) and logs why
            throw;
        }
        finally
        {
            FirstRoundDone.TrySetResult();
            WriteStatus(running: false);
            LogStopped(log, _reconciles, _driftRepairs);
        }
    }

    /// <summary>Completes once the first round has run (systemd readiness waits for it).</summary>
    public TaskCompletionSource FirstRoundDone { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task ResyncAsync(PeriodicTimer timer, CancellationToken stop)
    {
        try
        {
            while (await timer.WaitForNextTickAsync(stop)) queue.Post(new Trigger(TriggerKind.Resync, "periodic resync"));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Round(IReadOnlyList<Trigger> burst)
    {
        var clock = Stopwatch.StartNew();
        var number = ++_reconciles;
        var trigger = Trigger.Describe(burst);
        _note = null;
        if (burst.Any(t => t.Reloads))
        {
            var reload = source.Reload();
            foreach (var d in reload.Diagnostics) LogDiagnostic(log, d.Severity == Severity.Error ? LogLevel.Error : LogLevel.Warning, d.ToString());
            if (!reload.Valid)
            {
                LogKeeping(log, source.LoadedAt!.Value, source.Fingerprint);
                _note = "file invalid, kept the last good topology; ";
            }
            else if (reload.Changed)
            {
                LogLoaded(log, source.Path, source.Current!.Name, source.Current.Networks.Length, source.Current.Containers.Length, source.Fingerprint);
            }
        }
        var spec = source.Current!;
        try
        {
            AbandonedConfirmations.Settle(host, log);
            // The kernel's notifications of our own apply are not drained: among them may be drift
            // in a namespace the verification does not read again. They cost one more look.
            // Waiting for another apply's lock, or finishing a dead one's work, means another
            // process changed the host after this burst was taken: Convergence then reads it all.
            var result = Convergence.Run(host, spec, observed => PlanBuilder.Build(spec, observed),
                notice: message => LogDiagnostic(log, LogLevel.Warning, message),
                known: Unchanged(burst));
            var resync = burst.Any(t => t.Kind is TriggerKind.Start or TriggerKind.Resync or TriggerKind.Retry);
            Report(number, trigger, result, clock, drift: !burst.Any(t => t.Reloads), resync);
        }
        catch (ApplyException e)
        {
            _readAll = true; // what the failed steps and their rollback left is read whole next round
            var message = $"{ApplyErrorPrinter.Summary(e)}; {e.Applied.Count} earlier step(s) rolled back";
            foreach (var failure in e.RollbackFailures) LogDiagnostic(log, LogLevel.Error, $"rollback failed: {failure}");
            Record(number, trigger, "failed", message, clock, failed: true);
        }
        catch (Exception e) when (CliApp.NeedsRoot(e))
        {
            throw; // EPERM/EACCES, the apply lock refused: not root; retrying will not help
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A namespace vanishing mid-read, a transient kernel error: look again later, at everything.
            _readAll = true;
            Record(number, trigger, "failed", e.Message, clock, failed: true);
        }
    }

    private HashSet<string> _followed = new(StringComparer.Ordinal);

    /// <summary>The namespaces whose changes the kernel reports to the feed (a name it could not follow is not among them).</summary>
    private IReadOnlySet<string> _following = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Names followed since the last round began: what changed in them before was not reported.</summary>
    private HashSet<string> _unreported = new(StringComparer.Ordinal);

    /// <summary>The next round reads every namespace (after a failed round).</summary>
    private bool _readAll;

    /// <summary>
    /// What this round need not read again: followed namespaces the kernel reported no change in
    /// since the last round took its triggers, and every host link but those it named. The kernel
    /// reports every change of what is read there (links, addresses, routes), so the watcher's last
    /// reading of each stands (the observer checks that the name still leads to the namespace it
    /// read; the host's addresses and routes are dumped every round). Kernel triggers that come
    /// while a round runs belong to the next burst, so a change is never taken as seen before it
    /// was read. Null (read all): the first round, a resync, a retry, lost notifications, or after
    /// a failed round. At 2,000 containers a repair read every namespace: 188 ms of a 335 ms round
    /// (docs/scale.md).
    /// </summary>
    private KnownUnchanged? Unchanged(IReadOnlyList<Trigger> burst)
    {
        var unreported = _unreported;
        _unreported = new(StringComparer.Ordinal);
        if (_readAll || burst.Any(t => t.ReadsAll))
        {
            _readAll = false;
            return null;
        }
        var changed = burst.Where(t => t.Kind == TriggerKind.Kernel && !string.IsNullOrEmpty(t.Namespace)).Select(t => t.Namespace!).ToHashSet(StringComparer.Ordinal);
        changed.UnionWith(unreported);
        var following = _following;
        var hostLinks = burst.Where(t => t.Kind == TriggerKind.Kernel && t.HostLink is not null).Select(t => t.HostLink!).ToHashSet(StringComparer.Ordinal);
        return new KnownUnchanged { Namespaces = name => following.Contains(name) && !changed.Contains(name), HostLinksToRead = hostLinks };
    }

    /// <summary>
    /// Tells the kernel monitor which namespaces are the project's. Asking the kernel for 500
    /// namespace ids costs milliseconds, so only when that can have changed: the set of names
    /// changed, the plan created or replaced a namespace, or a full resync is due anyway.
    /// </summary>
    private void FollowNamespaces(Plan plan, bool resync)
    {
        var names = plan.Desired.Namespaces.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        var renewed = plan.Actions.Select(a => a.Subject).OfType<NamespaceState>().Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        if (!resync && renewed.Count == 0 && names.SetEquals(_followed)) return;
        var following = feed.Follow(names);
        // A namespace made or re-made by this round was read by its verification, but changes
        // after that and before now were not reported: read it again next round.
        _unreported.UnionWith(following.Where(n => renewed.Contains(n) || !_following.Contains(n)));
        _following = following;
        _followed = names;
    }

    private void Report(long number, string trigger, ConvergeResult result, Stopwatch clock, bool drift, bool resync)
    {
        if (!result.PlanFailed) LogWarningsIfChanged(result.Warnings);
        if (result.PlanFailed)
        {
            foreach (var d in result.Errors) LogDiagnostic(log, LogLevel.Error, d.ToString());
            Record(number, trigger, "failed", $"cannot plan: {result.Errors.Count} error(s) above; nothing changed", clock, failed: true);
            return;
        }
        var plan = result.Plan!;
        FollowNamespaces(plan, resync);
        if (result.Topology is { } topology) dns.Follow(topology);
        if (result.NothingToDo)
        {
            _plan = RenderPlan(plan);
            Record(number, trigger, "no changes", "the host matches the topology", clock, failed: false);
            return;
        }
        var summary = $"{plan.ToAdd} added, {plan.ToChange} changed, {plan.ToDestroy} destroyed " +
            $"({result.Applied!.Steps} steps, {result.Applied.WriteRequests} netlink writes; observe+plan {result.PlanTime.TotalMilliseconds:F0} ms, " +
            $"apply {result.ApplyTime.TotalMilliseconds:F0} ms, verify {result.VerifyTime.TotalMilliseconds:F0} ms)";
        _plan = result.Remaining is { } left ? RenderPlan(left) : null;
        if (!result.Converged)
        {
            foreach (var d in result.Errors) LogDiagnostic(log, LogLevel.Error, d.ToString());
            if (result.Remaining is { IsEmpty: false } rest) LogDiagnostic(log, LogLevel.Error, "still different:\n" + TextRenderer.Render(rest, TextRenderOptions.Plain).TrimEnd());
            Record(number, trigger, "failed", $"applied {summary}, but the host did not converge", clock, failed: true);
            return;
        }
        if (drift) _driftRepairs++;
        Record(number, trigger, drift ? "repaired" : "applied", summary + ", converged", clock, failed: false);
    }

    /// <summary>
    /// Warnings are logged in the round they appear, change or go: a watcher runs for months, and a
    /// standing warning (the host's ip6 forward policy) logged every round would bury the rest.
    /// </summary>
    private void LogWarningsIfChanged(IReadOnlyList<Diagnostic> warnings)
    {
        var now = warnings.Select(d => d.ToString()).ToArray();
        if (now.SequenceEqual(_warnings, StringComparer.Ordinal)) return;
        foreach (var text in now) LogDiagnostic(log, LogLevel.Warning, text);
        if (now.Length == 0) LogDiagnostic(log, LogLevel.Information, $"the earlier warning{(_warnings.Length == 1 ? " no longer applies" : "s no longer apply")}");
        _warnings = now;
    }

    private static string RenderPlan(Plan plan) => TextRenderer.Render(plan, TextRenderOptions.Plain).TrimEnd();

    private void Record(long number, string trigger, string result, string message, Stopwatch clock, bool failed)
    {
        if (failed) _plan = null; // unknown after a failure: `topo status` must not show an old "No changes"

        var ms = clock.Elapsed.TotalMilliseconds;
        result = _note + result;
        _last = new ReconcileRecord(time.GetLocalNow(), trigger, result, message, ms);
        if (failed)
        {
            _failures++;
            LogFailed(log, number, trigger, result, message, ms);
            ScheduleRetry();
        }
        else
        {
            _failuresInARow = 0;
            _holdUntil = 0;
            LogRound(log, number, trigger, result, message, ms);
        }
        WriteStatus(running: true);
    }

    /// <summary>A failed round is tried again after 1 s, 2 s, 4 s… up to the resync interval; an edit of the file does not wait.</summary>
    private void ScheduleRetry()
    {
        var delay = TimeSpan.FromSeconds(Math.Pow(2, Math.Min(_failuresInARow++, 16)));
        if (delay > options.Resync) delay = options.Resync;
        // The backoff holds every trigger but a reload, not only this retry: the failed round's
        // rollback is reported by the kernel too, and a persistent failure would loop at once.
        _holdUntil = time.GetTimestamp() + (long)(delay.TotalSeconds * time.TimestampFrequency);
        _ = Task.Delay(delay, time).ContinueWith(_ => queue.Post(new Trigger(TriggerKind.Retry, $"retry after a failure ({delay.TotalSeconds:0} s)")), TaskScheduler.Default);
    }

    private void WriteStatus(bool running)
    {
        if (source.Current is not { } spec) return;
        try
        {
            statusStore.Write(
                new WatchStatus(Environment.ProcessId, source.Path, spec.Name, _started, running, _reconciles, _driftRepairs, _failures, _last, _plan),
                source.CurrentText);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogDiagnostic(log, LogLevel.Warning, $"cannot write the status to {statusStore.Directory}: {e.Message}");
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "reconcile #{Number} ({Trigger}): {Result}: {Message} in {Ms:F1} ms")]
    private static partial void LogRound(ILogger logger, long number, string trigger, string result, string message, double ms);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "reconcile #{Number} ({Trigger}): {Result}: {Message} in {Ms:F1} ms")]
    private static partial void LogFailed(ILogger logger, long number, string trigger, string result, string message, double ms);

    [LoggerMessage(EventId = 3, Message = "{Text}")]
    private static partial void LogDiagnostic(ILogger logger, LogLevel level, string text);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "loaded {File}: project {Project}, {Networks} network(s), {Containers} container(s) [{Fingerprint}]")]
    private static partial void LogLoaded(ILogger logger, string file, string project, int networks, int containers, string fingerprint);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "the file is invalid; keeping the topology loaded at {LoadedAt:HH:mm:ss} [{Fingerprint}]")]
    private static partial void LogKeeping(ILogger logger, DateTimeOffset loadedAt, string fingerprint);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "stopped after {Reconciles} reconcile(s), {Repairs} drift repair(s); the topology stays in place")]
    private static partial void LogStopped(ILogger logger, long reconciles, long repairs);
}
