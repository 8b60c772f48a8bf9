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
    /// <summary>
    /// Of a kernel trigger: the named namespace the change was in, "" for the host; null when
    /// the kernel lost notifications (anything may have changed). Not a kernel trigger: null.
    /// </summary>
    public string? Namespace { get; init; }

    /// <summary>Of a kernel trigger about a host link: its name.</summary>
    public string? HostLink { get; init; }

    /// <summary>The round must read every namespace: the first, a periodic resync, a retry, or lost notifications.</summary>
    public bool ReadsAll => Kind is TriggerKind.Start or TriggerKind.Resync or TriggerKind.Retry || Kind == TriggerKind.Kernel && Namespace is null;

    /// <summary>The file must be read again before planning.</summary>
    public bool Reloads => Kind is TriggerKind.Start or TriggerKind.File or TriggerKind.Signal;

    public override string ToString() => Detail;

    /// <summary>A burst as one log phrase: the first reason, and how many more were merged into it.</summary>
    public static string Describe(IReadOnlyList<Trigger> burst) =>
        burst.Count == 1 ? burst[0].Detail : $"{burst[0].Detail} (+{burst.Count - 1} more)";
}
