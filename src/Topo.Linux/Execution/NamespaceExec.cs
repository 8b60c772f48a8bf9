using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Text;
using Tmds.Linux;
using Topo.Core.Host;
using Topo.Core.Model;
using Topo.Linux.Namespaces;
using Topo.Linux.Netlink;
using Topo.Linux.Netlink.Transport;
using Topo.Linux.Observation;
using static Tmds.Linux.LibC;

namespace Topo.Linux.Execution;

/// <summary>
/// <c>topo exec</c>: this process becomes a command inside a named network namespace, with the
/// files of /etc/netns/NAME over those of /etc. It is what <c>ip netns exec NAME</c> does
/// (iproute2 ip/ipnetns.c, netns_switch and bind_etc), step for step, without running it.
/// </summary>
/// <remarks>
/// <para>
/// iproute2 is single-threaded; a .NET process never is (garbage collector, finalizer, tiered
/// compilation, signal handling, thread pool). So everything happens on one thread of our own,
/// and the command is started from that thread by execve, never by fork:
/// </para>
/// <list type="bullet">
/// <item>setns(CLONE_NEWNET) and unshare(CLONE_NEWNS) change the calling thread's namespaces
/// only (namespaces belong to a task, and a thread is one; CLONE_NEWNS also gives the thread a
/// private copy of the root and working directory, which the process's other threads share).
/// Every other thread stays where it was and the runtime goes on undisturbed. If the command
/// does not start, the thread ends and its mount namespace, with every mount made in it,
/// goes with it: nothing is left on the host.</item>
/// <item>execve from a thread that is not the main one: the kernel ends every other thread of
/// the process first (de_thread), the calling thread takes over the process id, and the new
/// program keeps that thread's namespaces, root and working directory (execve(2): "All threads
/// other than the calling thread are destroyed"). The process the caller started (same pid,
/// same parent, same standard streams) is now the command, and its exit status is the caller's
/// to see. The scenario tests check the namespaces, the pid and the status from outside.</item>
/// <item>No fork: nothing runs in a half-copied multi-threaded process, so there is no limit
/// to what may run between the namespace switch and execve.</item>
/// </list>
/// <para>
/// What the runtime changed about the process and execve would keep is put back just before it
/// (<see cref="ExecSignals"/>): the thread's signal mask, SIGPIPE ignored. Every descriptor
/// topo or the runtime opens is close-on-exec; those the caller passed are the command's. Not
/// put back, because the runtime keeps no record of it: the soft limit on open files, which
/// the runtime raises to the hard limit at startup (as for every process a .NET program starts).
/// topo never touches the console before execve, so a terminal is left as it was.
/// </para>
/// </remarks>
public static class NamespaceExec
{
    /// <summary>
    /// Becomes <paramref name="request"/>'s command. Returns only when it could not, saying why;
    /// a failing system call (setns without privilege: EPERM) throws, as elsewhere in topo.
    /// </summary>
    public static ExecFailure Run(NamespaceStoreOptions options, ExecRequest request)
    {
        if (request.Command.Count == 0) throw new ArgumentException("no command", nameof(request));
        ExecFailure? failure = null;
        ExceptionDispatchInfo? error = null;
        // A thread of our own, never a pool thread: it leaves the process's namespaces for good.
        var thread = new Thread(() =>
        {
            try
            {
                failure = OnThisThread(options, request);
            }
            catch (Exception e)
            {
                error = ExceptionDispatchInfo.Capture(e);
            }
        }) { Name = "topo-exec" };
        thread.Start();
        thread.Join();
        error?.Throw();
        return failure!;
    }

    private static ExecFailure OnThisThread(NamespaceStoreOptions options, ExecRequest request)
    {
        if (request.Namespace is { } name)
        {
            var path = Path.Combine(options.NetnsDirectory, name);
            if (!File.Exists(path)) return new ExecFailure(ExecFailureKind.NoNamespace, path);
            // Judged from inside, through the same descriptor we entered by: no name swapped
            // between the check and the command can slip another namespace in.
            using (var ns = NetNamespace.Open(path)) ns.Enter();
            if (request.VetOwner?.Invoke(OwnerHere()) is { } refusal) return new ExecFailure(ExecFailureKind.Refused, refusal);
            IsolateMounts(name, Path.Combine(options.EtcDirectory, name), request.Warn);
        }
        return ProgramImage.Exec(request.Command);
    }

    /// <summary>The label on the loopback of the calling thread's network namespace (the observer's rule).</summary>
    private static Label? OwnerHere()
    {
        using var session = new RouteNetlinkSession(NetlinkSocket.Open());
        return NamespaceOwner.Of(session.DumpLinks());
    }

    /// <summary>
    /// A private mount namespace for this thread in which / is a slave (nothing mounted here
    /// reaches the host), /sys shows this network namespace, and each entry of
    /// <paramref name="etcDirectory"/> is bound over the same name under /etc.
    /// </summary>
    private static unsafe void IsolateMounts(string name, string etcDirectory, Action<string>? warn)
    {
        if (unshare(CLONE_NEWNS) != 0) throw SyscallException.FromErrno("unshare(CLONE_NEWNS)");
        Mount("", "/", "none", MS_SLAVE | MS_REC, "make / a slave (mount --make-rslave /)");

        // sysfs shows the network namespace of the task that mounts it.
        ulong sysFlags = 0;
        if (Unmount("/sys") != 0)
        {
            // Nothing to unmount or not allowed to: mount over it, read-only if it is (a
            // read-only instance cannot be shadowed by a writable one).
            statvfs st;
            fixed (byte* sys = "/sys\0"u8)
            {
                if (statvfs(sys, &st) == 0 && ((ulong)st.f_flag & (ulong)ST_RDONLY) != 0) sysFlags = (ulong)MS_RDONLY;
            }
        }
        Mount(name, "/sys", "sysfs", sysFlags, "mount /sys");

        if (!Directory.Exists(etcDirectory)) return;
        foreach (var source in Directory.EnumerateFileSystemEntries(etcDirectory))
        {
            var target = Path.Combine("/etc", Path.GetFileName(source));
            // As iproute2: one file that cannot be put in place does not stop the command.
            if (!TryMount(source, target, "none", MS_BIND))
                warn?.Invoke($"bind {source} -> {target} failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
    }

    private static void Mount(string source, string target, string type, ulong flags, string what)
    {
        if (!TryMount(source, target, type, flags)) throw SyscallException.FromErrno(what);
    }

    private static unsafe bool TryMount(string source, string target, string type, ulong flags)
    {
        fixed (byte* s = Encoding.UTF8.GetBytes(source + "\0"))
        fixed (byte* d = Encoding.UTF8.GetBytes(target + "\0"))
        fixed (byte* t = Encoding.UTF8.GetBytes(type + "\0"))
        {
            var ok = mount(s, d, t, (ulong_t)flags, null) == 0;
            Marshal.SetLastPInvokeError(ok ? 0 : errno);
            return ok;
        }
    }

    private static unsafe int Unmount(string path)
    {
        fixed (byte* p = Encoding.UTF8.GetBytes(path + "\0")) return umount2(p, MNT_DETACH);
    }
}
