using System.Runtime.InteropServices;
using static Tmds.Linux.LibC;

namespace Topo.Linux;

/// <summary>
/// Keeps topo's many file descriptors out of libnftables' way: libnftables (in the same process)
/// waits on its netlink socket with select(), and glibc aborts the process ("buffer overflow
/// detected", exit 134) when select() is given an fd of 1024 or more. libnftables opens that
/// socket when its context is made and again whenever a dump is interrupted, so it must always
/// find a low number free. A netlink socket per namespace and the resolver's two per namespace
/// would otherwise take the low numbers, so they are moved to 1024 or above, and the soft
/// RLIMIT_NOFILE is raised to the hard limit so there is room there (CoreCLR does that at start;
/// NativeAOT and embedders may not).
/// </summary>
internal static unsafe partial class FileDescriptors
{
    /// <summary>The lowest fd topo keeps for long: above select()'s FD_SETSIZE.</summary>
    public const int Floor = 1024;

    private static readonly Lazy<ulong> OpenFileLimit = new(RaiseOpenFileLimit);

    /// <summary>
    /// Moves <paramref name="fd"/> to 1024 or above when the open-file limit leaves room there;
    /// otherwise (a limit of 1024, the numbers above all taken) keeps it where it is.
    /// </summary>
    public static int KeepAboveSelectLimit(int fd)
    {
        if (fd >= Floor || OpenFileLimit.Value <= Floor) return fd;
        var moved = fcntl(fd, F_DUPFD_CLOEXEC, Floor);
        if (moved < 0) return fd;
        close(fd);
        return moved;
    }

    private const int RlimitNoFile = 7; // RLIMIT_NOFILE, asm-generic/resource.h

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    /// <summary>Raises the soft open-file limit to the hard one when it is lower; returns the soft limit now in force.</summary>
    public static ulong RaiseOpenFileLimit()
    {
        RLimit limit;
        if (getrlimit(RlimitNoFile, &limit) != 0) throw Error("getrlimit(RLIMIT_NOFILE)");
        if (limit.Current < limit.Maximum)
        {
            var raised = limit with { Current = limit.Maximum };
            if (setrlimit(RlimitNoFile, &raised) == 0) return raised.Current;
        }
        return limit.Current;
    }

    /// <summary>
    /// Moves <paramref name="fd"/> to the lowest free number ≥ <see cref="Floor"/> (close-on-exec)
    /// and closes the original; on failure the original is closed too and the error thrown.
    /// </summary>
    public static int MoveAboveSelectLimit(int fd)
    {
        if (fd >= Floor) return fd;
        var moved = fcntl(fd, F_DUPFD_CLOEXEC, Floor);
        var error = moved < 0 ? Error($"fcntl(F_DUPFD_CLOEXEC, {Floor}) (the open-file limit must exceed {Floor})") : null;
        close(fd);
        if (error is not null) throw error;
        return moved;
    }

    public static IOException Error(string operation)
    {
        var code = errno;
        return new IOException($"{operation}: {Marshal.GetPInvokeErrorMessage(code)}", code);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getrlimit(int resource, RLimit* limit);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setrlimit(int resource, RLimit* limit);
}
