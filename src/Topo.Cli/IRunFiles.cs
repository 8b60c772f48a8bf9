namespace Topo.Cli;

/// <summary>
/// Files of topo's own under /run (a watcher's status and its lock), never opened through a
/// symbolic link planted at their names. Linux behind it.
/// </summary>
internal interface IRunFiles
{
    /// <summary>Replaces PATH whole: readers see the old content or the new, never half.</summary>
    void Replace(string path, byte[] content);

    /// <summary>Locks PATH (made if missing) for as long as the handle lives; null when another process holds it.</summary>
    IDisposable? TryLock(string path);
}
