namespace Topo.Linux.Application;

public sealed record ApplierOptions
{
    /// <summary>Lock file; null: "topo.lock" next to the store's netns directory (/run/topo.lock).</summary>
    public string? LockPath { get; init; }

    /// <summary>The intent log (docs/crash-safety.md); null: "topo.intent" beside the lock.</summary>
    public string? IntentLogPath { get; init; }

    /// <summary>How long a second apply waits for the first.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock of the lock's waits (tests use a fake one).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Test aids: die or fail at a chosen step (TOPO_FAILPOINT_* variables; none are set in production).</summary>
    public Failpoints Failpoints { get; init; } = Failpoints.FromEnvironment();

    /// <summary>How long a deleted namespace's veths are waited for (Applier.Vanishing.cs).</summary>
    internal VanishingWaits Vanishing { get; init; } = VanishingWaits.Default;
}

/// <summary>One completed step: what was done and how it would be undone.</summary>
public sealed record JournalEntry(int ActionId, string Did, string Undo);

/// <summary>What an apply did.</summary>
public sealed record ApplyReport(IReadOnlyList<JournalEntry> Steps, long WriteRequests, TimeSpan Elapsed)
{
    /// <summary>Time spent per kind of resource (where an apply's time goes).</summary>
    public IReadOnlyDictionary<Topo.Core.Model.ResourceKind, TimeSpan> ElapsedByKind { get; init; } =
        new Dictionary<Topo.Core.Model.ResourceKind, TimeSpan>();
}
