using Topo.Core.Planning;
using Topo.Linux.Netlink.Transport;

namespace Topo.Linux.Application;

/// <summary>
/// A plan step failed. Carries the failing action, the kernel's extended-ACK message, what had
/// been applied before it (already rolled back, best effort) and any rollback failures. The
/// inner exception is the original error.
/// </summary>
public sealed class ApplyException : Exception
{
    public ApplyException(PlanAction action, Exception error, IReadOnlyList<string> applied, IReadOnlyList<string> rollbackFailures)
        : base(Format(action, error, applied, rollbackFailures), error)
    {
        Action = action;
        Applied = applied;
        RollbackFailures = rollbackFailures;
    }

    public PlanAction Action { get; }

    /// <summary>The kernel's own words (NLMSGERR_ATTR_MSG), when it gave any.</summary>
    public string? KernelMessage => (InnerException as NetlinkException ?? InnerException?.InnerException as NetlinkException)?.KernelMessage;

    /// <summary>Steps completed before the failure, in order (they were undone).</summary>
    public IReadOnlyList<string> Applied { get; }

    public IReadOnlyList<string> RollbackFailures { get; }

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
    : Exception($"another topo apply is running (lock {path} held); gave up after {waited.TotalSeconds:0.#} s")
{
    public string LockPath { get; } = path;

    /// <summary>How long it waited, by the lock's clock.</summary>
    public TimeSpan Waited { get; } = waited;
}

/// <summary>The lock file cannot be opened or made: not root (or its directory is read-only). Waiting will not help.</summary>
public sealed class ApplyLockDeniedException(string path, Exception inner)
    : UnauthorizedAccessException($"cannot open the apply lock {path}: permission denied", inner)
{
    public string LockPath { get; } = path;
}
