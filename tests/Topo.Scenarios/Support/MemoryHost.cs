using Topo.Cli;
using Topo.Core.Errors;
using Topo.Core.Host;
using Topo.Core.Model;
using Topo.Core.Planning;

namespace Topo.Scenarios.Support;

/// <summary>
/// The live host in memory, behind the same port as Linux: observing returns the state, applying
/// runs the plan through the simulator — or, given a <see cref="FailingStep"/>, fails at that step
/// as the Linux applier reports it (what was applied before it, rolled back; the undos that failed).
/// </summary>
internal sealed class MemoryHost(HostState state) : IHostAccess
{
    /// <summary>Fail the apply at this step instead of running it.</summary>
    public FailingStep? Failure { get; init; }

    /// <summary>What taking the apply lock throws (not root, another apply holds it).</summary>
    public Exception? LockError { get; init; }

    /// <summary>What each observation was told it need not read again (null: everything read), in order.</summary>
    public List<KnownUnchanged?> UnchangedAsked { get; } = [];

    public HostState Observe(string project, IReadOnlyCollection<string> sysctls, KnownUnchanged? known = null)
    {
        lock (UnchangedAsked) UnchangedAsked.Add(known);
        return state;
    }

    /// <summary>What taking the apply lock tells (waiting for another apply, what recovery removed); null: nothing.</summary>
    public string? LockNotice { get; set; }

    public IDisposable Lock(Action<string>? notice = null)
    {
        if (LockError is { } e) throw e;
        if (LockNotice is { } told) notice?.Invoke(told);
        return new MemoryStream();
    }

    public IReadOnlyList<SysctlState> ReadSysctls(IEnumerable<string> keys) =>
        [.. state.Sysctls.Where(s => keys.Contains(s.Name))];

    public ApplyOutcome Apply(Plan plan, Action<PlanStep>? onStep)
    {
        if (Failure is { } failure) Fail(plan, failure, onStep);
        state = PlanSimulator.Apply(state, plan);
        return new ApplyOutcome(plan.Actions.Length, 0, TimeSpan.Zero);
    }

    /// <summary>
    /// Steps before the failing one "run" (and are reported); then each is undone in reverse, the
    /// ones <see cref="FailingStep.UndoFails"/> names failing. The state stays as it was: the
    /// command ends here and observes nothing more.
    /// </summary>
    private static void Fail(Plan plan, FailingStep failure, Action<PlanStep>? onStep)
    {
        var steps = plan.Steps().ToList();
        if (failure.Step > steps.Count) return;
        var applied = new List<string>();
        foreach (var (action, kind) in steps.Take(failure.Step - 1))
        {
            applied.Add(Did(action));
            onStep?.Invoke(new PlanStep(action, kind));
        }
        var rollbackFailures = Enumerable.Range(1, applied.Count).Reverse()
            .Where(failure.UndoFails.Contains)
            .Select(i => $"undo of '{applied[i - 1]}' failed: {failure.UndoError}")
            .ToList();
        var failed = steps[failure.Step - 1].Action;
        // Worded as NetlinkException words it: the kernel's own message follows the errno.
        var cause = $"{Did(failed)}: {failure.Error}" + (failure.KernelMessage is { } k ? ": " + k : "");
        throw new ApplyException(failed, new KernelRefusal(cause), applied, rollbackFailures, failure.KernelMessage);
    }

    private static string Did(PlanAction action) => $"{action.Kind.Verb()} {action.Subject.Display}";

    private readonly Dictionary<string, IReadOnlyList<Topo.Core.Inventory.NetworkRecord>> _records = [];

    public IReadOnlyList<Topo.Core.Inventory.NetworkRecord> ReadRecords(string owner) => _records.GetValueOrDefault(owner) ?? [];

    public void WriteRecords(string owner, IReadOnlyList<Topo.Core.Inventory.NetworkRecord> records)
    {
        if (records.Count == 0) _records.Remove(owner);
        else _records[owner] = records;
    }

    public IChangeFeed OpenChangeFeed() => throw new NotSupportedException("the in-memory host has no kernel to listen to");

    public IEmbeddedResolver OpenResolver(Microsoft.Extensions.Logging.ILogger log) => throw new NotSupportedException("the in-memory host has no namespaces to serve");

    /// <summary>What a kernel refusal looks like to the port: a host error with the kernel's words.</summary>
    private sealed class KernelRefusal(string message) : TopoException(message);
}

/// <summary>An apply that fails at step <paramref name="Step"/> (1-based, in the order steps run).</summary>
/// <param name="Error">The error of the step, as the kernel's errno reads ("File exists (errno 17)").</param>
/// <param name="KernelMessage">The kernel's extended-ACK message, if it gave one.</param>
/// <param name="UndoFails">Steps (1-based) whose undo fails during the rollback.</param>
internal sealed record FailingStep(int Step, string Error, string? KernelMessage = null)
{
    public IReadOnlySet<int> UndoFails { get; init; } = new HashSet<int>();

    public string UndoError { get; init; } = "Device or resource busy (errno 16)";
}
