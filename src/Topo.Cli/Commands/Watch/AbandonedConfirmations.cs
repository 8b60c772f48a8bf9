using Microsoft.Extensions.Logging;
using Topo.Cli.Commands.Confirm;
using Topo.Core.Planning;

namespace Topo.Cli.Commands.Watch;

/// <summary>
/// The watcher completes the rollback of any project's `apply --confirm` that was neither
/// confirmed nor rolled back by its deadline because its process is gone (a lost shell): on an
/// edge host nobody may type the next topo command. Checked at every round, the periodic
/// resync's included.
/// </summary>
internal static partial class AbandonedConfirmations
{
    public static void Settle(IHostAccess host, ILogger log)
    {
        var store = PendingConfirmations.Default();
        IReadOnlyList<PendingConfirmation> all;
        try
        {
            all = store.List();
        }
        catch (UnreadableConfirmationException e)
        {
            LogUnreadable(log, e.Message);
            return;
        }
        foreach (var pending in all.Where(p => p.Expired(DateTimeOffset.UtcNow) && !p.WaiterAlive))
        {
            store.TryClaimForRollback(pending.Project);
            var result = Convergence.Run(host, null, observed =>
            {
                var back = Checkpoint.RollBack(pending.Project, pending.Checkpoint, observed);
                return new PlanOutcome(null, back.Plan, back.Errors);
            });
            if (result.Converged)
            {
                store.Remove(pending.Project);
                LogRolledBack(log, pending.File, pending.Project, pending.Deadline.ToLocalTime());
            }
            else
            {
                LogFailed(log, pending.File, pending.Project, string.Join("; ", result.Errors));
            }
        }
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "the apply of {File} (project '{Project}') was not confirmed by {Deadline:yyyy-MM-dd HH:mm:ss}: rolled back")]
    private static partial void LogRolledBack(ILogger logger, string file, string project, DateTimeOffset deadline);

    [LoggerMessage(EventId = 21, Level = LogLevel.Error, Message = "rolling back the unconfirmed apply of {File} (project '{Project}') did not converge: {Errors}; tried again next round")]
    private static partial void LogFailed(ILogger logger, string file, string project, string errors);

    [LoggerMessage(EventId = 22, Level = LogLevel.Error, Message = "{Message}")]
    private static partial void LogUnreadable(ILogger logger, string message);
}
