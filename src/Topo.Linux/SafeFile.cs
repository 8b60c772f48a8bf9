using System.Runtime.InteropServices;
using System.Text;
using Topo.Core.Host;
using Topo.Linux.Namespaces;
using static Tmds.Linux.LibC;

namespace Topo.Linux;

/// <summary>
/// Writes a file of topo's own (a watcher's status) the way /etc/netns files are written: the
/// directory opened without following a link, a fresh O_EXCL|O_NOFOLLOW temporary in it, renamed
/// over the name. A link planted at the name or at a predictable temporary name is never written through.
/// </summary>
public static unsafe partial class SafeFile
{
    public static void Replace(string path, byte[] content)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        int fd;
        fixed (byte* p = Encoding.UTF8.GetBytes(directory + "\0")) fd = open(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
        if (fd < 0)
        {
            var error = errno;
            if (error == ELOOP || error == ENOTDIR) throw new IOException($"{directory} is not a directory (a symbolic link?): topo writes only into a real directory");
            throw new IOException($"open {directory}: {Marshal.GetPInvokeErrorMessage(error)}");
        }
        using var dir = new SafeDirectory(fd, directory);
        NamespaceFiles.Replace(dir, Path.GetFileName(path), content);
    }

    /// <summary>
    /// Opens (creating it if missing, never through a symbolic link) and locks PATH exclusively
    /// with flock, as .NET's FileShare.None does, so both kinds of holder exclude each other. Null
    /// when another process holds the lock; the lock lasts until the handle is disposed.
    /// FileMode.OpenOrCreate followed a dangling link and created its target, as root.
    /// </summary>
    public static IDisposable? TryLock(string path)
    {
        int fd;
        fixed (byte* p = Encoding.UTF8.GetBytes(path + "\0")) fd = open(p, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, LockMode);
        if (fd < 0)
        {
            var error = errno;
            if (error == ELOOP) throw new IOException($"{path} is a symbolic link; topo never opens its lock through one (remove it if it is not yours)");
            if (error == EACCES || error == EPERM) throw new PermissionDeniedException($"cannot open the lock {path}: permission denied");
            throw new IOException($"open {path}: {Marshal.GetPInvokeErrorMessage(error)}");
        }
        var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true);
        if (flock(fd, LockExclusive | LockNonBlocking) == 0) return handle;
        var failed = Marshal.GetLastPInvokeError();
        handle.Dispose();
        if (failed == EWOULDBLOCK) return null;
        throw new IOException($"flock {path}: {Marshal.GetPInvokeErrorMessage(failed)}");
    }

    private const int LockMode = 0b110_000_000; // 0600
    private const int LockExclusive = 2; // LOCK_EX
    private const int LockNonBlocking = 4; // LOCK_NB

    // Not bound by Tmds.LibC 0.5.
    [LibraryImport("libc", SetLastError = true)]
    private static partial int flock(int fd, int operation);
}
