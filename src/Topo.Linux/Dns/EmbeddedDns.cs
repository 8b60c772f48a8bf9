using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Topo.Core.Dns;
using Topo.Linux.Namespaces;

namespace Topo.Linux.Dns;

/// <summary>
/// The embedded DNS server: answers at 127.0.0.11:53 (UDP and TCP) inside every container
/// namespace it is given a <see cref="DnsView"/> for, and forwards what it does not know to the
/// host's upstream servers (resolv.conf, dialled from the host namespace). Nothing listens in the
/// host namespace. One event-loop thread serves every namespace's sockets; TCP connections and
/// forwards run on the thread pool. Thread-safe; <see cref="Update"/> calls are serialised.
/// </summary>
public sealed class EmbeddedDns : IDisposable
{
    private readonly NamespaceStore _store;
    private readonly ILogger _log;
    private readonly IPEndPoint _listen;
    private readonly DnsCounters _counters = new();
    private readonly Upstreams _upstreams;
    private readonly UpstreamDialer _dialer;
    private readonly Forwarder _forwarder;
    private readonly ListenLoop _loop;
    private readonly object _gate = new();
    private readonly Dictionary<string, NamespaceServer> _servers = new(StringComparer.Ordinal);
    private ZoneCompiler _compiler = new([], []);
    private bool _disposed;

    public EmbeddedDns(NamespaceStore store, EmbeddedDnsOptions options, ILogger? log = null)
    {
        Validate(options);
        _store = store;
        Options = options;
        _log = log ?? NullLogger.Instance;
        _listen = new IPEndPoint(options.ListenAddress, options.Port);
        FileDescriptors.RaiseOpenFileLimit();
        _upstreams = new Upstreams(options.ResolvConfPath, _log);
        _dialer = new UpstreamDialer(options.UpstreamNamespace);
        _forwarder = new Forwarder(_upstreams, _dialer, options, _counters, _log);
        var responder = new Responder(_counters);
        try
        {
            _loop = new ListenLoop(responder, _forwarder, new TcpFrontend(responder, _forwarder, options, _counters, _log), _counters, _log);
        }
        catch
        {
            _forwarder.Dispose();
            _dialer.Dispose();
            _upstreams.Dispose();
            throw;
        }
    }

    public EmbeddedDnsOptions Options { get; }

    /// <summary>Counts since start, over every namespace.</summary>
    public DnsStatistics Statistics => _counters.Snapshot();

    /// <summary>The upstream servers in use (resolv.conf order), as last read.</summary>
    public IReadOnlyList<IPEndPoint> UpstreamServers => _upstreams.Servers;

    /// <summary>Forwards waiting for upstream now.</summary>
    internal int ForwardsInFlight => _forwarder.InFlight;

    /// <summary>The server of namespace <paramref name="name"/> (tests: are its sockets the same as before?).</summary>
    internal NamespaceServer? ServerOf(string name)
    {
        lock (_gate) return _servers.GetValueOrDefault(name);
    }

    /// <summary>The namespaces being served, sorted.</summary>
    public IReadOnlyList<string> Namespaces
    {
        get
        {
            lock (_gate) return [.. _servers.Keys.Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>
    /// Makes the running resolvers match <paramref name="views"/>: starts resolvers for new
    /// namespaces, swaps the answers of changed ones in place (no socket closed: no query lost),
    /// stops removed ones; a namespace whose identity (nsfs device/inode) changed since its sockets
    /// were bound is bound again. Never throws for one bad namespace: it is reported in the result
    /// (and tried again on the next update).
    /// </summary>
    public DnsUpdateResult Update(IReadOnlyList<DnsView> views)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var failures = ImmutableArray.CreateBuilder<DnsNamespaceFailure>();
            var wanted = new Dictionary<string, DnsView>(StringComparer.Ordinal);
            foreach (var view in views)
            {
                if (!wanted.TryAdd(view.Namespace, view)) failures.Add(new(view.Namespace, "listed twice: the first view is served"));
            }
            var compiler = _compiler.NextRound();
            int changed = 0, unchanged = 0, stopped = 0;

            foreach (var (name, server) in _servers.ToList())
            {
                if (wanted.ContainsKey(name)) continue;
                Stop(server);
                stopped++;
            }

            var pending = new List<(DnsView View, AnswerBook Book, bool Rebind)>();
            foreach (var view in wanted.Values)
            {
                AnswerBook book;
                NamespaceIdentity identity;
                try
                {
                    book = compiler.BookOf(view);
                    identity = _store.Identity(view.Namespace);
                }
                catch (Exception e) when (e is IOException or ArgumentException or FormatException)
                {
                    failures.Add(new(view.Namespace, e.Message));
                    if (_servers.TryGetValue(view.Namespace, out var gone))
                    {
                        Stop(gone);
                        stopped++;
                    }
                    continue;
                }
                if (!_servers.TryGetValue(view.Namespace, out var server))
                {
                    pending.Add((view, book, false));
                }
                else if (server.Identity != identity)
                {
                    Stop(server); // the name now stands for another namespace: its sockets are in the old one
                    pending.Add((view, book, true));
                }
                else if (ReferenceEquals(server.Book, book) && server.View.Equals(view))
                {
                    unchanged++;
                }
                else
                {
                    server.Swap(view, book);
                    changed++;
                }
            }

            var (started, rebound) = Start(pending, failures);
            _compiler = compiler;
            foreach (var f in failures) _log.NamespaceFailed(f.Namespace, f.Reason);
            _log.Updated(started, changed, unchanged, rebound, stopped, failures.Count);
            return new DnsUpdateResult(started, changed, unchanged, rebound, stopped, failures.ToImmutable());
        }
    }

    /// <summary>Binds the sockets of every pending namespace in one hand-off to the namespace thread (each namespace entered in turn).</summary>
    private (int Started, int Rebound) Start(List<(DnsView View, AnswerBook Book, bool Rebind)> pending, ImmutableArray<DnsNamespaceFailure>.Builder failures)
    {
        if (pending.Count == 0) return (0, 0);
        var thread = _store.Thread;
        var made = thread.Run(thread.Home, () =>
        {
            var results = new List<(int Index, NamespaceServer? Server, string? Error)>(pending.Count);
            for (var i = 0; i < pending.Count; i++)
            {
                var (view, book, _) = pending[i];
                try
                {
                    using var ns = _store.Open(view.Namespace);
                    var (udp, tcp) = thread.Run(ns, () => BindBoth());
                    results.Add((i, new NamespaceServer(view.Namespace, ns.Identity, udp, tcp, view, book), null));
                }
                catch (Exception e) when (e is IOException or SyscallException or ArgumentException or SocketException)
                {
                    results.Add((i, null, e.Message));
                }
            }
            return results;
        });
        int started = 0, rebound = 0;
        foreach (var (index, server, error) in made)
        {
            var (view, _, rebind) = pending[index];
            if (server is null)
            {
                failures.Add(new(view.Namespace, error!));
                continue;
            }
            _servers[view.Namespace] = server;
            _loop.Add(server);
            if (rebind) rebound++;
            else started++;
        }
        return (started, rebound);
    }

    /// <summary>The UDP socket and TCP listener, in the calling thread's namespace.</summary>
    private (OwnedFd Udp, OwnedFd Tcp) BindBoth()
    {
        var udp = ListenSockets.BindUdp(_listen);
        try
        {
            return (udp, ListenSockets.ListenTcp(_listen));
        }
        catch
        {
            udp.Dispose();
            throw;
        }
    }

    private void Stop(NamespaceServer server)
    {
        _servers.Remove(server.Name);
        _loop.Remove(server);
        server.Dispose();
    }

    private static void Validate(EmbeddedDnsOptions options)
    {
        if (options.ListenAddress.AddressFamily != AddressFamily.InterNetwork) throw new ArgumentException($"listen address {options.ListenAddress} is not IPv4");
        if (options.Port is < 1 or > 65535) throw new ArgumentException($"port {options.Port} is out of range");
        if (options.ForwardTimeout <= TimeSpan.Zero || options.ForwardBudget <= TimeSpan.Zero) throw new ArgumentException("forward timeouts must be positive");
        if (options.MaxForwardsInFlight < 1 || options.MaxTcpConnectionsPerNamespace < 1) throw new ArgumentException("limits must be at least 1");
        if (options.TcpIdleTimeout <= TimeSpan.Zero) throw new ArgumentException("the TCP idle timeout must be positive");
    }

    /// <summary>Stops every resolver (sockets closed, TCP connections and forwards ended) and the event loop. The namespaces are left as they are.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var server in _servers.Values.ToList()) Stop(server);
            _loop.Dispose();
            _forwarder.Dispose();
            _upstreams.Dispose();
            _dialer.Dispose();
        }
    }
}
