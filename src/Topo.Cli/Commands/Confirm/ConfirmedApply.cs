using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Spec;

namespace Topo.Cli.Commands.Confirm;

/// <summary>
/// <c>topo apply FILE --confirm 120s</c>, as Junos' <c>commit confirmed</c>: apply, then keep the
/// changes only if <c>topo confirm</c> (any shell) or Enter (this terminal) comes in time; else
/// go back to the host as it was. The checkpoint is on disk before the first step, so a killed
/// topo or a lost shell still ends in the rollback (<see cref="Rollbacks.Settle"/>).
/// </summary>
internal static class ConfirmedApply
{
    public static int Run(CliContext context, TopologyFile spec, string file, TimeSpan timeout, TimeProvider time)
    {
        var console = context.Console;
        var store = PendingConfirmations.Default();
        HostState? before = null;
        var recorded = false;
        var code = Converger.Run(context, "apply", spec,
            observed =>
            {
                before = observed;
                return PlanBuilder.Build(spec, observed);
            },
            beforeApply: _ =>
            {
                var checkpoint = Checkpoint.DesiredOf(before!, spec.Name);
                store.Write(new PendingConfirmation(spec.Name, file, time.GetUtcNow() + timeout, Environment.ProcessId, checkpoint));
                recorded = true;
            });
        if (!recorded) return code; // nothing to do, or refused before any step
        if (code != ExitCodes.Success)
        {
            store.Remove(spec.Name); // the failed apply was rolled back step by step already
            return code;
        }
        // The time to decide starts now that the changes are in place.
        var deadline = time.GetUtcNow() + timeout;
        store.Write(store.Find(spec.Name)! with { Deadline = deadline });
        console.Error.WriteLine(
            $"Keep these changes? Run `topo confirm {file}` from any shell{(Console.IsInputRedirected ? "" : ", or press Enter here,")} " +
            $"by {Rollbacks.Local(deadline)} ({timeout.TotalSeconds:0} s); otherwise they are rolled back.");
        if (WaitForConfirmation(store, spec.Name, deadline, time) || !store.TryClaimForRollback(spec.Name))
        {
            console.Error.WriteLine("Confirmed: the changes stay.");
            return ExitCodes.Success;
        }
        var pending = store.List().Single(p => p.Project == spec.Name);
        console.Error.WriteLine($"Not confirmed by {Rollbacks.Local(deadline)}: rolling back to the host as it was before this apply.");
        if (!Rollbacks.RollBack(context, store, pending, "roll back"))
        {
            console.Error.WriteLine("error: the rollback did not complete; it stays pending and the next topo command tries again");
            return ExitCodes.Error;
        }
        console.Error.WriteLine("error: not confirmed in time: rolled back");
        return ExitCodes.Error;
    }

    /// <summary>True once the pending record is gone (topo confirm) or Enter is pressed here; false at the deadline.</summary>
    private static bool WaitForConfirmation(PendingConfirmations store, string project, DateTimeOffset deadline, TimeProvider time)
    {
        Task<string?>? enter = Console.IsInputRedirected ? null : Task.Run(Console.In.ReadLine);
        while (time.GetUtcNow() < deadline)
        {
            if (store.Find(project) is null) return true;
            if (enter is { IsCompleted: true, Result: not null } && store.TryConfirm(project)) return true;
            Thread.Sleep(TimeSpan.FromMilliseconds(100));
        }
        return store.Find(project) is null;
    }
}
