namespace Topo.Cli.Commands.Watch;

internal enum TriggerKind
{
    Start,
    File,
    Signal,
    Kernel,
    Resync,
    Retry,
}

/// <summary>Why the watcher looks at the host again.</summary>
internal sealed record Trigger(TriggerKind Kind, string Detail)
{
    /// <summary>The file must be read again before planning.</summary>
    public bool Reloads => Kind is TriggerKind.Start or TriggerKind.File or TriggerKind.Signal;

    public override string ToString() => Detail;

    /// <summary>A burst as one log phrase: the first reason, and how many more were merged into it.</summary>
    public static string Describe(IReadOnlyList<Trigger> burst) =>
        burst.Count == 1 ? burst[0].Detail : $"{burst[0].Detail} (+{burst.Count - 1} more)";
}
