using System.Runtime.ExceptionServices;
using Topo.Linux.Namespaces;
using Topo.Linux.Netlink;
using Topo.Linux.Netlink.Transport;

namespace Topo.Linux.Observation;

/// <summary>
/// Reads many namespaces with two threads. A socket can only be opened from inside its namespace
/// (setns, on the namespace thread), but once open any thread can dump through it. So the
/// namespace thread opens the missing sockets in order, starting at once, while the caller dumps
/// the host; in <see cref="Complete"/> the caller dumps each namespace as soon as its socket is
/// open, and once every socket is open the namespace thread dumps too, from the other end.
/// The namespace thread never dumps while the caller reads the host: link dumps serialise on the
/// kernel's rtnl mutex, and a thousand-link host dump chopped up by hundreds of small ones (the
/// waiter spinning on the mutex) took three times as long as the two one after the other.
/// The thread is busy until <see cref="Complete"/>: open anything else needed from it before.
/// </summary>
internal sealed class ConcurrentSnapshots
{
    private readonly NamespaceSessions _sessions;
    private readonly string[] _names;
    private readonly RouteNetlinkSession?[] _session;
    private readonly bool[] _fresh;
    private readonly NamespaceIdentity[] _identity; // of the namespaces whose socket was opened here
    private readonly NamespaceSnapshot?[] _results;
    private readonly ExceptionDispatchInfo?[] _errors;
    private readonly Func<string, RouteNetlinkSession, NamespaceSnapshot> _read;
    private readonly object _gate = new();
    private int _opened;   // sockets 0.._opened-1 are open (or failed)
    private int _front;    // next item the caller takes
    private int _back;     // items _back.. are taken by the namespace thread
    private int _finished; // items read (or failed)
    private bool _completing; // the caller is in Complete: done with whatever it read alone

    /// <summary>Starts opening the sessions of <paramref name="names"/> on the namespace thread.</summary>
    public ConcurrentSnapshots(NamespaceSessions sessions, IReadOnlyList<string> names, Func<string, RouteNetlinkSession, NamespaceSnapshot> read)
    {
        _sessions = sessions;
        _read = read;
        _names = [.. names];
        var n = _names.Length;
        _session = new RouteNetlinkSession?[n];
        _fresh = new bool[n];
        _identity = new NamespaceIdentity[n];
        _results = new NamespaceSnapshot?[n];
        _errors = new ExceptionDispatchInfo?[n];
        _back = n;
        for (var i = 0; i < n; i++) _session[i] = sessions.Existing(_names[i]);
        if (n == 0) return;
        // Called on the namespace thread (work run through it): nobody else can open the sockets,
        // and nothing runs beside it, so it reads everything now.
        if (sessions.Thread.IsCurrent)
        {
            _completing = true;
            OpenThenHelp();
        }
        else sessions.Thread.Post(OpenThenHelp);
    }

    /// <summary>The identity of each namespace whose socket was opened here (known once <see cref="Complete"/> returned).</summary>
    public Dictionary<string, NamespaceIdentity> Opened { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Reads from the front of the list until the two threads meet, waits for the namespace
    /// thread, keeps the new sessions and returns each name's snapshot. A name with no namespace
    /// behind it (vanished, or a plain file: IOException) has none; any other failure is thrown,
    /// the first in list order.
    /// </summary>
    public Dictionary<string, NamespaceSnapshot> Complete()
    {
        lock (_gate)
        {
            _completing = true;
            Monitor.PulseAll(_gate);
        }
        while (true)
        {
            int i;
            lock (_gate)
            {
                if (_front >= _back) break;
                i = _front++;
                while (_opened <= i) Monitor.Wait(_gate);
            }
            ReadOne(i);
        }
        lock (_gate)
        {
            while (_finished < _names.Length) Monitor.Wait(_gate);
        }

        var result = new Dictionary<string, NamespaceSnapshot>(_names.Length, StringComparer.Ordinal);
        ExceptionDispatchInfo? first = null;
        for (var i = 0; i < _names.Length; i++)
        {
            if (_fresh[i] && _session[i] is { } s)
            {
                _sessions.AdoptSession(_names[i], s, _identity[i]);
                _sessions.Release(_names[i]); // if a handle was cached: the socket is all a namespace needs from now on
                Opened[_names[i]] = _identity[i];
            }
            if (_results[i] is { } snapshot) result[_names[i]] = snapshot;
            else if (_errors[i] is { SourceException: not IOException } e) first ??= e;
        }
        first?.Throw();
        return result;
    }

    /// <summary>On the namespace thread: open every missing socket, then (once the caller reads namespaces too) read from the back.</summary>
    private void OpenThenHelp()
    {
        for (var i = 0; i < _names.Length; i++)
        {
            if (_session[i] is null && _errors[i] is null)
            {
                try
                {
                    // Opened here and closed at once: only the socket stays (one fd per namespace).
                    using var handle = _sessions.Store.Open(_names[i]);
                    _identity[i] = handle.Identity;
                    handle.Enter();
                    _session[i] = new RouteNetlinkSession(NetlinkSocket.Open());
                    _fresh[i] = true;
                }
                catch (Exception e)
                {
                    _errors[i] = ExceptionDispatchInfo.Capture(e); // IOException: a stale name, skipped by the observer
                }
            }
            lock (_gate)
            {
                _opened = i + 1;
                Monitor.PulseAll(_gate);
            }
        }
        lock (_gate)
        {
            while (!_completing) Monitor.Wait(_gate);
        }
        while (true)
        {
            int i;
            lock (_gate)
            {
                if (_back <= _front) break;
                i = --_back;
            }
            ReadOne(i);
        }
    }

    private void ReadOne(int i)
    {
        try
        {
            if (_errors[i] is null) _results[i] = _read(_names[i], _session[i]!);
        }
        catch (Exception e)
        {
            _errors[i] = ExceptionDispatchInfo.Capture(e);
        }
        finally
        {
            lock (_gate)
            {
                _finished++;
                Monitor.PulseAll(_gate);
            }
        }
    }
}
