namespace Topo.Cli.Commands.Watch;

/// <summary>The last reconcile: when, why, what came of it.</summary>
internal sealed record ReconcileRecord(
    DateTimeOffset Time,
    string Trigger,
    string Result,
    string Message,
    double DurationMs);

/// <summary>
/// What a running watcher tells `topo status` (a JSON file in the run directory, replaced
/// atomically after every reconcile): its file, its last reconcile, its drift repairs so far,
/// and the plan as it stood after that reconcile (empty when converged).
/// </summary>
internal sealed record WatchStatus(
    int Pid,
    string File,
    string Project,
    DateTimeOffset Started,
    bool Running,
    long Reconciles,
    long DriftRepairs,
    long Failures,
    ReconcileRecord? Last,
    string? Plan)
{
    public const string Format = "topo-watch-status";
    public const int Version = 1;
}
