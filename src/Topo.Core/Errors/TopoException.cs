namespace Topo.Core.Errors;

/// <summary>
/// The root of every error topo raises itself: callers filter on it (Tmds.Ssh's SshException),
/// never on a list of types. <see cref="Exception.Message"/> is written for the user; the
/// category says what kind of problem it is, so a command knows what to add (a hint to run as
/// root) and a watcher whether trying again can help.
/// </summary>
public abstract class TopoException : Exception
{
    protected TopoException(string message, Exception? inner = null) : base(message, inner)
    {
    }

    /// <summary>Most of topo's errors are the host's: the types that are not say so.</summary>
    public virtual ErrorCategory Category => ErrorCategory.Host;

    /// <summary>
    /// Errors after which no more of topo's code should run (undo, report): the runtime's own
    /// distress and a cancellation someone asked for. Everything else a step, an undo or a
    /// command meets is reported, a step's failure undone first.
    /// </summary>
    public static bool IsFatal(Exception e) => e is OutOfMemoryException or OperationCanceledException;
}

/// <summary>What kind of problem an error is, for what to tell the user and whether to try again.</summary>
public enum ErrorCategory
{
    /// <summary>The file or snapshot the user gave is wrong: fix it; trying again will not help.</summary>
    Input,

    /// <summary>The kernel or the host refused or failed: the message says what; a later try may work.</summary>
    Host,

    /// <summary>The kernel or the host lacks what the topology needs (a kernel feature, libnftables).</summary>
    Unsupported,

    /// <summary>This process may not read or change the live host: run as root.</summary>
    Permission,

    /// <summary>Another topo holds what this one needs (the apply lock).</summary>
    Busy,
}
