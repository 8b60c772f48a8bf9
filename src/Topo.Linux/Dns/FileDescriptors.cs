using System.Runtime.InteropServices;
using static Tmds.Linux.LibC;

namespace Topo.Linux.Dns;

/// <summary>
/// Keeps the resolver's file descriptors out of libnftables' way: libnftables (in the same process)
/// waits on its netlink socket with select(), and glibc aborts the process when select() is given
/// an fd of 1024 or more. 500 namespaces × 2 sockets would otherwise take the low numbers, so every
/// fd the resolver keeps is moved to 1024 or above, and the soft RLIMIT_NOFILE is raised to the hard
/// limit so there is room there (CoreCLR does that at start; NativeAOT and embedders may not).
/// </summary>
internal static unsafe partial class FileDescriptors
{
    /// <summary>The lowest fd the resolver keeps: above select()'s FD_SETSIZE.</summary>
    public const int Floor = 1024;

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
