namespace Topo.Linux.Application;

/// <summary>
/// Exclusive lock so two applies never interleave: a lock file opened with FileShare.None,
/// which .NET implements with flock(LOCK_EX) on Linux. A second apply waits a bounded time.
/// </summary>
internal sealed class ApplyLock : IDisposable
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(25);
    private readonly FileStream _stream;

    private ApplyLock(FileStream stream) => _stream = stream;

    /// <exception cref="ApplyLockDeniedException">Not allowed to open it (not root).</exception>
    /// <exception cref="ApplyLockException">Another apply held it for longer than <paramref name="timeout"/>.</exception>
    public static ApplyLock Acquire(string path, TimeSpan timeout, TimeProvider time)
    {
        try
        {
            return Wait(path, timeout, time);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ApplyLockDeniedException(path, e);
        }
    }

    private static ApplyLock Wait(string path, TimeSpan timeout, TimeProvider time)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var started = time.GetTimestamp();
        while (true)
        {
            try
            {
                return new ApplyLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (File.Exists(path))
            {
                var waited = time.GetElapsedTime(started);
                if (waited >= timeout) throw new ApplyLockException(path, waited);
                Task.Delay(RetryInterval, time).GetAwaiter().GetResult();
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
