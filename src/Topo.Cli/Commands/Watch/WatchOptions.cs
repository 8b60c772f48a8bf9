namespace Topo.Cli.Commands.Watch;

/// <summary>How the watcher paces itself. Defaults suit an edge host; tests shorten them.</summary>
internal sealed record WatchOptions(string File)
{
    /// <summary>A full resync even without a reason: the backstop for anything the kernel did not report.</summary>
    public TimeSpan Resync { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A round starts once the kernel has been quiet this long after a change…</summary>
    public TimeSpan Quiet { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>…or this long after the first change of a burst, whichever comes first.</summary>
    public TimeSpan Burst { get; init; } = TimeSpan.FromMilliseconds(150);

    /// <summary>Editors write a file in several steps (or through a temporary file and a rename).</summary>
    public TimeSpan FileDebounce { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Where watchers keep their status and lock (TOPO_RUN_DIR moves it).</summary>
    public string RunDirectory { get; init; } = DefaultRunDirectory;

    public static string DefaultRunDirectory =>
        Path.Combine(Environment.GetEnvironmentVariable("TOPO_RUN_DIR") is { Length: > 0 } dir ? dir : "/run/topo", "watch");
}
