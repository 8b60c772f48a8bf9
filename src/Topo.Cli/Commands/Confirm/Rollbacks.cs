using Topo.Core.Planning;

namespace Topo.Cli.Commands.Confirm;

/// <summary>
/// Completes the rollbacks nobody is left to do: a pending confirmation past its deadline whose
/// applying process is gone (killed, or the shell lost with it). Every command that changes the
/// host, <c>topo confirm</c>, <c>topo status</c> and the watcher run it first.
/// </summary>
internal static class Rollbacks
{
    /// <returns>False when a rollback failed (it stays pending, and the next command tries again).</returns>
    public static bool Settle(CliContext context, PendingConfirmations store, string? onlyProject = null)
    {
        var ok = true;
        foreach (var pending in store.List())
        {
            if (onlyProject is not null && pending.Project != onlyProject) continue;
            if (!pending.Expired(DateTimeOffset.UtcNow) || pending.WaiterAlive) continue;
            context.Console.Error.WriteLine(
                $"topo: the apply of {pending.File} (project '{pending.Project}') was not confirmed by {Local(pending.Deadline)}: rolling it back");
            ok &= RollBack(context, store, pending, "roll back");
        }
        return ok;
    }

    /// <summary>
    /// Before a command changes <paramref name="project"/>: rollbacks due are done, and a
    /// confirmation still awaited stops it (applying over it would leave a checkpoint that no
    /// longer says what to go back to). Null when it may go on, else the exit code.
    /// </summary>
    public static int? BeforeChanging(CliContext context, string project)
    {
        var store = PendingConfirmations.Default();
        if (!Settle(context, store)) return ExitCodes.Error;
        if (store.Find(project) is not { } waiting) return null;
        context.Console.Error.WriteLine(
            $"error: the apply of {waiting.File} (project '{project}') waits for confirmation until {Local(waiting.Deadline)}: " +
            "`topo confirm` it, or let it roll back, before changing the project again");
        return ExitCodes.Error;
    }

    /// <summary>Takes the project back to its checkpoint, shown as a plan like any apply.</summary>
    public static bool RollBack(CliContext context, PendingConfirmations store, PendingConfirmation pending, string verb)
    {
        store.TryClaimForRollback(pending.Project); // from here on, `topo confirm` is too late
        var code = Converger.Run(context, verb, null, observed =>
        {
            var back = Checkpoint.RollBack(pending.Project, pending.Checkpoint, observed);
            return new PlanOutcome(null, back.Plan, back.Errors);
        });
        if (code != ExitCodes.Success) return false;
        store.Remove(pending.Project);
        return true;
    }

    public static string Local(DateTimeOffset time) => time.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
}
