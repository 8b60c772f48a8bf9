using Topo.Core.Errors;
using Topo.Core.Planning;

namespace Topo.Core.Host;

/// <summary>
/// A plan step failed. Carries the failing action, the kernel's extended-ACK message, what had
/// been applied before it (already rolled back, best effort) and what the rollback could not
/// undo. The inner exception is the original error. The host port raises it, whatever is behind it.
/// </summary>
public sealed class ApplyException(
    PlanAction action, Exception error, IReadOnlyList<string> applied, IReadOnlyList<string> rollbackFailures, string? kernelMessage = null)
    : TopoException(Format(action, error, applied, rollbackFailures), error)
{
    public PlanAction Action { get; } = action;

    /// <summary>The kernel's own words (NLMSGERR_ATTR_MSG), when it gave any.</summary>
    public string? KernelMessage { get; } = kernelMessage;

    /// <summary>Steps completed before the failure, in order (they were undone).</summary>
    public IReadOnlyList<string> Applied { get; } = applied;

    /// <summary>Undo steps that failed: what they could not undo is still on the host.</summary>
    public IReadOnlyList<string> RollbackFailures { get; } = rollbackFailures;

    private static string Format(PlanAction action, Exception error, IReadOnlyList<string> applied, IReadOnlyList<string> rollbackFailures)
    {
        var text = $"step {action.Id} ({action.Kind.Verb()} {action.Subject.Display}) failed: {error.Message}";
        text += applied.Count == 0 ? "; nothing had been applied" : $"; {applied.Count} earlier step(s) were applied and rolled back";
        if (rollbackFailures.Count > 0) text += $"; rollback incomplete: {string.Join("; ", rollbackFailures)}";
        return text;
    }
}

/// <summary>Another apply holds the lock and did not let go in time.</summary>
public sealed class ApplyLockException(string path, TimeSpan waited)
    : TopoException($"another topo apply is running (lock {path} held); gave up after {waited.TotalSeconds:0.#} s")
{
    public string LockPath { get; } = path;

    /// <summary>How long it waited, by the lock's clock.</summary>
    public TimeSpan Waited { get; } = waited;

    public override ErrorCategory Category => ErrorCategory.Busy;
}
