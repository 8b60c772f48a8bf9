using Topo.Core.Errors;
using Topo.Core.Host;
using Topo.Core.Model;
using Topo.Core.Planning;

namespace Topo.Cli;

/// <summary>The live host as the commands need it: read its state, change it. Linux behind it; fakes in tests.</summary>
internal interface IHostAccess
{
    /// <summary>What the kernel has: every project's objects, and what topo must not collide with.</summary>
    /// <param name="known">What need not be read again (see Observer.Observe); null: everything is read.</param>
    HostState Observe(string project, IReadOnlyCollection<string> sysctls, KnownUnchanged? known = null);

    /// <summary>Kernel settings by key; keys that do not exist are left out.</summary>
    IReadOnlyList<SysctlState> ReadSysctls(IEnumerable<string> keys);

    /// <summary>
    /// The exclusive apply lock, held from observing to verifying. Taking it finishes what a
    /// dead apply left half-made (docs/crash-safety.md).
    /// </summary>
    /// <exception cref="ApplyLockException">Another apply held it too long.</exception>
    /// <param name="notice">Told, one line each, that this apply waits for another (and for whom)
    /// and what was removed after a dead one.</param>
    IDisposable Lock(Action<string>? notice = null);

    /// <summary>
    /// Runs the plan. A failed step throws <see cref="ApplyException"/> (the step, the kernel's
    /// message, what was rolled back and what could not be); the other errors are
    /// <see cref="TopoException"/>s too (<see cref="ErrorCategory.Permission"/>: not root).
    /// </summary>
    ApplyOutcome Apply(Plan plan, Action<PlanStep>? onStep);

    /// <summary>
    /// topo's records of what the kernel cannot keep about <paramref name="owner"/>'s networks (a
    /// project, or "-" for the default bridge): empty when none are kept.
    /// </summary>
    IReadOnlyList<Topo.Core.Inventory.NetworkRecord> ReadRecords(string owner);

    /// <summary>Replaces <paramref name="owner"/>'s records whole; none removes them.</summary>
    void WriteRecords(string owner, IReadOnlyList<Topo.Core.Inventory.NetworkRecord> records);

    /// <summary>Starts listening to the kernel's change notifications (the watcher).</summary>
    IChangeFeed OpenChangeFeed();

    /// <summary>Starts the embedded DNS service (the watcher hosts it): no resolver runs until the first update.</summary>
    IEmbeddedResolver OpenResolver(Microsoft.Extensions.Logging.ILogger log);
}

public sealed record ApplyOutcome(int Steps, long WriteRequests, TimeSpan Elapsed);
