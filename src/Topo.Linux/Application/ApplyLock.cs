using System.Globalization;
using System.Text;
using Topo.Core.Host;
using static Tmds.Linux.LibC;

namespace Topo.Linux.Application;

/// <summary>
/// Exclusive lock so two applies never interleave: a lock file opened with FileShare.None,
/// which .NET implements with flock(LOCK_EX) on Linux. A second apply waits a bounded time,
/// saying once that it waits and for whom: the holder writes its pid into the file.
/// One lock per host, not per project: projects share the default bridge, its addresses and
/// the host's ports, and each plan reads what the others hold.
/// </summary>
internal sealed class ApplyLock : IDisposable
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(25);
    private readonly FileStream _stream;

    private ApplyLock(FileStream stream) => _stream = stream;

    /// <param name="waiting">Told once, when the lock is found held, who holds it (a terminal shows it).</param>
    /// <exception cref="PermissionDeniedException">Not allowed to open it (not root).</exception>
    /// <exception cref="ApplyLockException">Another apply held it for longer than <paramref name="timeout"/>.</exception>
    public static ApplyLock Acquire(string path, TimeSpan timeout, TimeProvider time, Action<string>? waiting = null)
    {
        try
        {
            var held = Wait(path, timeout, time, waiting);
            held.WritePid();
            return held;
        }
        catch (UnauthorizedAccessException e)
        {
            throw new PermissionDeniedException($"cannot open the apply lock {path}: permission denied", e);
        }
    }

    private static ApplyLock Wait(string path, TimeSpan timeout, TimeProvider time, Action<string>? waiting)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var started = time.GetTimestamp();
        var told = false;
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
                if (!told && waiting is not null)
                {
                    var holder = Holder(path) is { } pid ? $" (pid {pid})" : "";
                    waiting($"another topo apply{holder} holds the apply lock {path}: waiting for it to finish (up to {timeout.TotalSeconds:0.#} s)");
                }
                told = true;
                Task.Delay(RetryInterval, time).GetAwaiter().GetResult();
            }
        }
    }

    /// <summary>The holder's pid, as it wrote it; the file is read with plain open/read (.NET's own would ask for the flock).</summary>
    private static unsafe int? Holder(string path)
    {
        var buffer = stackalloc byte[32];
        fixed (byte* p = Encoding.UTF8.GetBytes(path + "\0"))
        {
            var fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0);
            if (fd < 0) return null;
            var n = read(fd, buffer, 32);
            close(fd);
            if (n <= 0) return null;
            return int.TryParse(Encoding.ASCII.GetString(buffer, (int)n).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
    }

    private void WritePid()
    {
        _stream.SetLength(0);
        _stream.Write(Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n"));
        _stream.Flush();
    }

    public void Dispose() => _stream.Dispose();
}
