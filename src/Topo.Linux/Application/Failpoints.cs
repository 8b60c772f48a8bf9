using System.Globalization;
using Topo.Core.Errors;
using static Tmds.Linux.LibC;

namespace Topo.Linux.Application;

/// <summary>
/// Test aids (docs/crash-safety.md): make an apply die or fail at a chosen step, so a test can
/// prove what a crash or a failure at that moment leaves behind. A step is one entry of the
/// journal — one completed change to the host that a rollback would undo, what apply's summary
/// counts as "steps" — so step k is the same moment in every run of the same plan. Unset (as in
/// production) each check is one comparison with null.
/// </summary>
/// <param name="KillAfterStep">TOPO_FAILPOINT_KILL_AFTER_STEP=k: SIGKILL right after step k is journaled.
/// A namespace's step is journaled once it is mounted and before its lo is labelled, a link's once it
/// exists and before its alias is set: the windows a crash can hit.</param>
/// <param name="FailStep">TOPO_FAILPOINT_FAIL_STEP=k: the step after k-1 completed ones fails (an IOException) before changing anything.</param>
/// <param name="FailUndo">TOPO_FAILPOINT_FAIL_UNDO=j: during a rollback, undoing step j fails.</param>
/// <param name="PauseAfterStep">TOPO_FAILPOINT_PAUSE_AFTER_STEP=k with TOPO_FAILPOINT_PAUSE_FILE=PATH: after step k
/// the apply creates PATH and waits, holding the apply lock mid-way, until PATH is removed (at most a minute):
/// what a test of concurrent applies needs to be sure they overlap.</param>
/// <param name="CorruptElementWrite">TOPO_FAILPOINT_CORRUPT_ELEMENT_WRITE=1: a batch of firewall elements is
/// written with the first added element's comment changed (its label kept), as an applier bug would:
/// verification must catch it (docs/scale.md).</param>
public sealed record Failpoints(int? KillAfterStep = null, int? FailStep = null, int? FailUndo = null, int? PauseAfterStep = null, string? PauseFile = null,
    bool CorruptElementWrite = false)
{
    public const string CorruptElementWriteVariable = "TOPO_FAILPOINT_CORRUPT_ELEMENT_WRITE";
    public const string KillAfterStepVariable = "TOPO_FAILPOINT_KILL_AFTER_STEP";
    public const string FailStepVariable = "TOPO_FAILPOINT_FAIL_STEP";
    public const string FailUndoVariable = "TOPO_FAILPOINT_FAIL_UNDO";
    public const string PauseAfterStepVariable = "TOPO_FAILPOINT_PAUSE_AFTER_STEP";
    public const string PauseFileVariable = "TOPO_FAILPOINT_PAUSE_FILE";
    private static readonly TimeSpan LongestPause = TimeSpan.FromMinutes(1);

    public static readonly Failpoints None = new();

    /// <summary>From the environment; a value that is not a positive number is ignored, as unset.</summary>
    public static Failpoints FromEnvironment() => new(
        Read(KillAfterStepVariable), Read(FailStepVariable), Read(FailUndoVariable),
        Read(PauseAfterStepVariable), Environment.GetEnvironmentVariable(PauseFileVariable) is { Length: > 0 } file ? file : null,
        Read(CorruptElementWriteVariable) is not null);

    private static int? Read(string variable) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.None, CultureInfo.InvariantCulture, out var k) && k > 0 ? k : null;

    /// <summary>After step <paramref name="step"/> (1-based) was journaled.</summary>
    internal void AfterStep(int step)
    {
        if (step == PauseAfterStep && PauseFile is { } file) Pause(file);
        if (step != KillAfterStep) return;
        // What a power cut or `kill -9` does: no finally blocks, no rollback, no flush.
        kill(getpid(), SIGKILL);
    }

    private static void Pause(string file)
    {
        File.WriteAllText(file, $"{Environment.ProcessId}\n");
        var until = DateTime.UtcNow + LongestPause;
        while (File.Exists(file) && DateTime.UtcNow < until) Thread.Sleep(10);
    }

    /// <summary>Before running the change that would become step <paramref name="step"/>.</summary>
    internal void BeforeStep(int step)
    {
        if (step == FailStep) throw new InjectedFailureException($"{FailStepVariable}={step}");
    }

    /// <summary>The elements an element batch adds, as written: with <see cref="CorruptElementWrite"/> the first one's comment is not the one planned.</summary>
    internal IReadOnlyCollection<Topo.Core.Firewall.ElementSpec> Corrupted(List<Topo.Core.Firewall.ElementSpec> add)
    {
        if (!CorruptElementWrite || add.Count == 0) return add;
        var label = add[0].Comment.Split(' ', 2)[0];
        return [add[0] with { Comment = $"{label} corrupted by {CorruptElementWriteVariable}" }, .. add.Skip(1)];
    }

    /// <summary>Before undoing step <paramref name="step"/> during a rollback.</summary>
    internal void BeforeUndo(int step)
    {
        if (step == FailUndo) throw new InjectedFailureException($"{FailUndoVariable}={step}");
    }
}

/// <summary>A failure a failpoint asked for: the applier treats it as any failed step.</summary>
public sealed class InjectedFailureException(string failpoint) : TopoException($"failure injected by {failpoint} (a test aid)")
{
    public string Failpoint { get; } = failpoint;
}
