using System.CommandLine;
using Topo.Core.Planning;
using Topo.Core.Rendering;
using Topo.Core.Spec;

namespace Topo.Cli.Commands.Watch;

/// <summary>
/// <c>topo status [FILE]</c>: what each running watcher is doing — its file, its last reconcile
/// (time, trigger, result), drift repairs so far, and the current plan: computed now against the
/// live host when we can read it (root), else the one the watcher recorded at its last reconcile.
/// Exit 0 when every watcher shown is running and converged, 2 when one is not converged, 1 when
/// none is running (or FILE has no watcher).
/// </summary>
internal static class StatusCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string?>("file") { Description = "Only the watcher of this topology file", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("status", "Show running watchers: file, last reconcile, drift repairs, current plan") { file };
        command.SetAction(parse => Run(context, parse.GetValue(file)));
        return command;
    }

    /// <summary>Applies that wait for `topo confirm`, with their deadlines; as root, rollbacks that are due are done first.</summary>
    private static void ShowConfirmations(CliContext context)
    {
        var pending = Confirm.PendingConfirmations.Default();
        if (pending.List().Count == 0) return;
        if (Environment.IsPrivilegedProcess) Confirm.Rollbacks.Settle(context, pending);
        foreach (var p in pending.List())
        {
            var who = p.WaiterAlive ? $"apply pid {p.Pid} waits" : "no process waits";
            context.Console.Out.WriteLine($"confirmation   project {p.Project} ({p.File}): `topo confirm` by {Confirm.Rollbacks.Local(p.Deadline)}, else rolled back ({who})");
        }
        context.Console.Out.WriteLine();
    }

    private static int Run(CliContext context, string? file)
    {
        var console = context.Console;
        ShowConfirmations(context);
        var store = new StatusStore(WatchOptions.DefaultRunDirectory, context.RunFiles);
        var statuses = store.List().Where(s => file is null || s.File == Path.GetFullPath(file)).ToList();
        if (statuses.Count == 0)
        {
            console.Error.WriteLine(file is null ? "no watcher has run on this host (`topo watch FILE` starts one)" : $"no watcher for {Path.GetFullPath(file)}");
            return ExitCodes.Error;
        }
        var exit = ExitCodes.Success;
        var first = true;
        foreach (var status in statuses)
        {
            if (!first) console.Out.WriteLine();
            first = false;
            var alive = status.Running && store.IsClaimed(status.Project);
            var w = console.Out;
            w.WriteLine($"project        {status.Project}");
            w.WriteLine($"file           {status.File}");
            w.WriteLine(alive
                ? $"watcher        running, pid {status.Pid}, since {status.Started:yyyy-MM-dd HH:mm:ss}"
                : $"watcher        not running (pid {status.Pid}, started {status.Started:yyyy-MM-dd HH:mm:ss})");
            if (status.Last is { } last)
            {
                w.WriteLine($"last reconcile {last.Time:yyyy-MM-dd HH:mm:ss}, trigger: {last.Trigger}");
                w.WriteLine($"               {last.Result}: {last.Message} ({last.DurationMs:F1} ms)");
            }
            w.WriteLine($"reconciles     {status.Reconciles} ({status.Failures} failed)");
            w.WriteLine($"drift repairs  {status.DriftRepairs}");
            var (plan, converged, when) = CurrentPlan(context, store, status);
            w.WriteLine($"plan ({when}):");
            foreach (var line in (plan ?? "unknown").Split('\n')) w.WriteLine("  " + line);
            if (!alive) exit = ExitCodes.Error;
            else if (exit == ExitCodes.Success && !converged) exit = ExitCodes.Changes;
        }
        return exit;
    }

    /// <summary>The plan of the watcher's topology against the live host, or the recorded one.</summary>
    private static (string? Plan, bool Converged, string When) CurrentPlan(CliContext context, StatusStore store, WatchStatus status)
    {
        var recorded = (status.Plan, status.Plan?.Contains(Plan.NoChanges, StringComparison.Ordinal) == true);
        if (!IsRoot()) return (recorded.Item1, recorded.Item2, "at the last reconcile; run as root for the current one");
        var loaded = SpecLoader.Load(store.TopologyPath(status.Project));
        if (loaded.File is not { } spec || loaded.Diagnostics.Any(d => d.Severity == Severity.Error)) return (recorded.Item1, recorded.Item2, "at the last reconcile");
        var outcome = PlanBuilder.Build(spec, HostObservation.For(context.Host, spec));
        if (!outcome.Succeeded) return (string.Join('\n', outcome.Errors.Select(e => e.Message)), false, "now: cannot plan");
        return (TextRenderer.Render(outcome.Plan!, TextRenderOptions.Plain).TrimEnd(), outcome.Plan!.IsEmpty, "now, against the live host");
    }

    private static bool IsRoot() => Environment.IsPrivilegedProcess;
}
