using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Topo.Linux.Netlink.Transport;
using static Tmds.Linux.LibC;

namespace Topo.Linux.Namespaces;

/// <summary>
/// A dedicated thread that enters network namespaces (setns) to do what must be done from inside
/// one: open netlink sockets (a socket stays bound to the namespace it was created in), read and
/// write /proc/sys/net, create a namespace with unshare. Never a thread-pool thread.
/// </summary>
public sealed class NamespaceThread : IDisposable
{
    private readonly BlockingCollection<Action> _work = new();
    private readonly Thread _thread;
    private NetNamespace? _home;
    private readonly ManualResetEventSlim _started = new();

    public NamespaceThread(string name = "topo-netns")
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = name };
        _thread.Start();
        _started.Wait();
    }

    /// <summary>The namespace this thread started in (the process's).</summary>
    public NetNamespace Home => _home ?? throw new ObjectDisposedException(nameof(NamespaceThread));

    private void Loop()
    {
        _home = NetNamespace.OfCurrentThread();
        _started.Set();
        foreach (var item in _work.GetConsumingEnumerable()) item();
    }

    /// <summary>Runs <paramref name="work"/> on the thread, inside <paramref name="ns"/>.</summary>
    public T Run<T>(NetNamespace ns, Func<T> work)
    {
        if (Environment.CurrentManagedThreadId == _thread.ManagedThreadId)
        {
            // Nested in work already running here: the rest of that work expects the namespace it is in.
            using var back = NetNamespace.OfCurrentThread();
            ns.Enter();
            try
            {
                return work();
            }
            finally
            {
                back.Enter();
            }
        }
        T result = default!;
        ExceptionDispatchInfo? error = null;
        using var done = new ManualResetEventSlim();
        _work.Add(() =>
        {
            try
            {
                ns.Enter();
                result = work();
            }
            catch (Exception e)
            {
                error = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                done.Set();
            }
        });
        done.Wait();
        error?.Throw();
        return result;
    }

    public void Run(NetNamespace ns, Action work) => Run(ns, () => { work(); return true; });

    /// <summary>
    /// Queues <paramref name="work"/> to run inside <paramref name="ns"/> and returns at once: for
    /// work the caller overlaps with its own (reading the firewall while it dumps links). Its
    /// result or exception is the task's.
    /// </summary>
    public Task<T> Start<T>(NetNamespace ns, Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                ns.Enter();
                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        return done.Task;
    }

    /// <summary>
    /// Queues <paramref name="work"/> without waiting for it (it enters namespaces itself and must
    /// not throw): for work the caller overlaps with its own, e.g. opening sockets while it dumps.
    /// </summary>
    internal void Post(Action work) => _work.Add(work);

    /// <summary>True on the namespace thread itself (where waiting for posted work would never end).</summary>
    internal bool IsCurrent => Environment.CurrentManagedThreadId == _thread.ManagedThreadId;

    /// <summary>
    /// Creates a fresh network namespace (unshare(CLONE_NEWNET) on this thread) and returns its
    /// handle; <paramref name="inside"/> runs in it first (e.g. to bind-mount /proc/thread-self/ns/net).
    /// </summary>
    public NetNamespace CreateNamespace(Action? inside = null) => Run(Home, () =>
    {
        if (unshare(CLONE_NEWNET) != 0) throw SyscallException.FromErrno("unshare(CLONE_NEWNET)");
        inside?.Invoke();
        return NetNamespace.OfCurrentThread();
    });

    /// <summary>Opens a netlink socket inside <paramref name="ns"/>.</summary>
    internal NetlinkSocket OpenSocket(NetNamespace ns) => Run(ns, () => NetlinkSocket.Open());

    public void Dispose()
    {
        _work.CompleteAdding();
        if (Environment.CurrentManagedThreadId != _thread.ManagedThreadId) _thread.Join();
        _home?.Dispose();
        _home = null;
    }
}
