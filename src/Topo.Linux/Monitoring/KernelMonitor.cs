using System.Text;
using System.Threading.Channels;
using Topo.Linux.Namespaces;
using Topo.Linux.Netlink.Messages;
using Topo.Linux.Netlink.Transport;
using static Tmds.Linux.LibC;

namespace Topo.Linux.Monitoring;

/// <summary>
/// Listens for kernel notifications about what topo may own: links, IPv4 addresses and IPv4
/// routes in the host and in the namespaces passed to <see cref="Watch"/>, and nftables tables
/// of the host whose name has the configured prefix. Each becomes a <see cref="KernelChange"/>
/// on <see cref="Changes"/>; a lost burst becomes <see cref="KernelChangeKind.Overflow"/>.
/// A change means "look again", never "this changed".
/// </summary>
/// <remarks>
/// One NETLINK_ROUTE socket in the host joined to RTNLGRP_LINK and the IPv4 and IPv6 address
/// and route groups with NETLINK_LISTEN_ALL_NSID (the kernel tags a peer namespace's
/// notifications with that namespace's id in the host, and forwards them only if it has one:
/// <see cref="Watch"/> makes sure it does); one NETLINK_NETFILTER socket in the host joined to
/// NFNLGRP_NFTABLES. A dedicated thread polls both and an eventfd that stops it. The only thing
/// the monitor ever writes to the kernel is an nsid assignment (RTM_NEWNSID).
/// <para>Blind spot: on kernel 6.18 setting or clearing a link's alias (IFLA_IFALIAS, topo's
/// ownership label) sends no RTM_NEWLINK, so a relabelled link is only seen at the next look
/// caused by something else (or a periodic resync).</para>
/// </remarks>
public sealed class KernelMonitor : IDisposable
{
    private const int ReceiveBufferSize = 64 << 10;
    /// <summary>Datagrams the reader handles per wake-up before it lets <see cref="Drain"/> have the lock.</summary>
    private const int DatagramsPerTurn = 256;
    /// <summary>Bound on what Drain reads from a socket, so a storm of notifications cannot keep it reading forever (the rest is reported).</summary>
    private const int DatagramsPerDrain = 1 << 16;
    private const int ReaderStackBytes = 256 << 10;

    private static readonly int[] RouteGroups = [RouteNetlinkGroup.Link, RouteNetlinkGroup.Ipv4Address, RouteNetlinkGroup.Ipv4Route, RouteNetlinkGroup.Ipv6Address, RouteNetlinkGroup.Ipv6Route];
    private static readonly int[] FirewallGroups = [NetfilterGroup.Nftables];

    private readonly NetNamespace _host;
    private readonly MulticastSocket _route;
    private readonly MulticastSocket _firewall;
    private readonly NetlinkSocket _requests;
    private readonly int _stopFd;
    private readonly Thread _reader;
    private readonly Channel<KernelChange> _channel;
    private readonly byte[] _prefix;
    private readonly byte[] _alsoTable;
    // Shared by the reader thread and Drain: whoever holds _gate owns the sockets' queues and the buffer.
    private readonly Lock _gate = new();
    private readonly byte[] _buffer = new byte[ReceiveBufferSize];
    private readonly Lock _watchGate = new();
    private readonly MessageBuffer _request = new(64);
    private volatile Dictionary<int, string> _names = [];
    private readonly Action<KernelChange> _publish;
    private long _dropped;
    private int _disposed;

    /// <summary>Opens the sockets in <paramref name="host"/> (on <paramref name="thread"/>) and starts listening.</summary>
    public KernelMonitor(NamespaceThread thread, NetNamespace host, KernelMonitorOptions? options = null)
    {
        Options = options ?? new KernelMonitorOptions();
        _host = host;
        _prefix = Encoding.UTF8.GetBytes(Options.TablePrefix);
        _alsoTable = Encoding.UTF8.GetBytes(Options.AlsoTable);
        _publish = Publish;
        _channel = Channel.CreateBounded<KernelChange>(new BoundedChannelOptions(Options.ChannelCapacity)
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full; the reader never waits
        });
        var bufferBytes = Options.ReceiveBufferBytes;
        MulticastSocket? route = null, firewall = null;
        NetlinkSocket? requests = null;
        try
        {
            thread.Run(host, () =>
            {
                route = MulticastSocket.Open(Netlink.Constants.NetlinkProtocol.Route, RouteGroups, listenAllNamespaces: true, bufferBytes);
                firewall = MulticastSocket.Open(NetlinkSocketOption.NetfilterProtocol, FirewallGroups, listenAllNamespaces: false, bufferBytes);
                requests = NetlinkSocket.Open();
            });
            _stopFd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
            if (_stopFd < 0) throw SyscallException.FromErrno("eventfd");
        }
        catch
        {
            route?.Dispose();
            firewall?.Dispose();
            requests?.Dispose();
            throw;
        }
        _route = route!;
        _firewall = firewall!;
        _requests = requests!;
        _reader = new Thread(ReadLoop, ReaderStackBytes) { IsBackground = true, Name = "topo-kernel-monitor" };
        _reader.Start();
    }

    public KernelMonitorOptions Options { get; }

    /// <summary>Changes as they are reported. Completes when the monitor is disposed (or faults if the reader fails).</summary>
    public ChannelReader<KernelChange> Changes => _channel.Reader;

    /// <summary>Changes dropped because the channel was full.</summary>
    public long DroppedChanges => Interlocked.Read(ref _dropped);

    /// <summary>nsid (in the host) → namespace name, as set by the last <see cref="Watch"/>.</summary>
    internal IReadOnlyDictionary<int, string> NamespaceIds => _names;

    /// <summary>The SO_RCVBUF the kernel granted the rtnetlink socket.</summary>
    internal int RouteReceiveBufferBytes => _route.ReceiveBufferBytes;

    /// <summary>
    /// Sets which named namespaces are watched (name → open handle), replacing the previous set.
    /// Each gets an nsid in the host if it has none (RTM_NEWNSID, like `ip netns set NAME auto`):
    /// the kernel forwards a namespace's notifications only then. Events from namespaces not in
    /// the set are ignored; the host's always count. Call again after each reconcile.
    /// </summary>
    /// <remarks>
    /// An nsid lives as long as its namespace. If a watched namespace dies and the kernel gives
    /// its id to a new namespace before the next call, that namespace's events are reported
    /// under the old name until then: one needless look, never a missed one.
    /// </remarks>
    /// <returns>
    /// The names whose namespaces' changes will be reported under them: not a name that leads to
    /// the host (reported as the host's), nor all but one of several names for one namespace.
    /// </returns>
    public IReadOnlySet<string> Watch(IReadOnlyDictionary<string, NetNamespace> namespaces)
    {
        ArgumentNullException.ThrowIfNull(namespaces);
        lock (_watchGate)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            var names = new Dictionary<int, string>(namespaces.Count + 1);
            // The host can have an id for itself; its own notifications then carry it.
            var self = QueryNsid(_host);
            if (self != NsidMessage.NotAssigned) names[self] = "";
            foreach (var (name, handle) in namespaces)
            {
                var id = QueryNsid(handle);
                if (id == NsidMessage.NotAssigned) id = AssignNsid(handle, name);
                if (id == NsidMessage.NotAssigned || handle.SameAs(_host)) continue;
                names[id] = name;
            }
            _names = names;
            return names.Values.Where(n => n.Length > 0).ToHashSet(StringComparer.Ordinal);
        }
    }

    private int QueryNsid(NetNamespace ns)
    {
        _request.Clear();
        var writer = new NetlinkWriter(_request);
        NsidRequests.EncodeGet(ref writer, ns.Fd, _requests.NextSequence());
        return NsidRequests.DecodeReply(_requests.Get(_request, $"get nsid of {ns.Origin}"));
    }

    private int AssignNsid(NetNamespace ns, string name)
    {
        _request.Clear();
        var writer = new NetlinkWriter(_request);
        NsidRequests.EncodeAssign(ref writer, ns.Fd, _requests.NextSequence());
        try
        {
            _requests.Execute(_request, [$"assign an nsid to namespace {name}"]);
        }
        catch (NetlinkException e) when (e.IsExists)
        {
            // Someone else (a veth, another tool) gave it one in between: read that one.
        }
        return QueryNsid(ns);
    }

    /// <summary>
    /// Discards, on the calling thread, every notification already queued in the kernel sockets
    /// and every change in the channel; returns how many changes that was. No notification read
    /// before Drain is published after it. Tests use it to start from a quiet monitor; the
    /// watcher does not: notifications of its own apply may hide drift it did not re-read.
    /// </summary>
    internal int Drain()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            var count = Pump(_route, publish: false, DatagramsPerDrain) + Pump(_firewall, publish: false, DatagramsPerDrain);
            while (_channel.Reader.TryRead(out _)) count++;
            _owesOverflow = false; // what it stood for is discarded with the rest
            return count;
        }
    }

    private unsafe void ReadLoop()
    {
        var fds = stackalloc Tmds.Linux.pollfd[3];
        fds[0] = new Tmds.Linux.pollfd { fd = _route.Fd, events = POLLIN };
        fds[1] = new Tmds.Linux.pollfd { fd = _firewall.Fd, events = POLLIN };
        fds[2] = new Tmds.Linux.pollfd { fd = _stopFd, events = POLLIN };
        try
        {
            while (true)
            {
                for (var i = 0; i < 3; i++) fds[i].revents = 0;
                int owing;
                lock (_gate) owing = _owesOverflow ? OverflowRetryMilliseconds : -1;
                if (poll(fds, 3, owing) < 0)
                {
                    if (errno == EINTR) continue;
                    throw SyscallException.FromErrno("poll");
                }
                if (fds[2].revents != 0) break;
                lock (_gate)
                {
                    PayOverflow();
                    // POLLERR is how a netlink socket says ENOBUFS; the receive reports it.
                    if (fds[0].revents != 0) Pump(_route, publish: true, DatagramsPerTurn);
                    if (fds[1].revents != 0) Pump(_firewall, publish: true, DatagramsPerTurn);
                }
            }
            _channel.Writer.TryComplete();
        }
        catch (Exception e)
        {
            _channel.Writer.TryComplete(e);
        }
    }

    /// <summary>Reads up to <paramref name="limit"/> queued datagrams; publishes or only counts the changes. Caller holds _gate.</summary>
    private int Pump(MulticastSocket socket, bool publish, int limit)
    {
        var count = 0;
        for (var i = 0; i < limit; i++)
        {
            var result = socket.Receive(_buffer, out var length, out var nsid);
            if (result == ReceiveResult.Empty) break;
            if (result is ReceiveResult.Overflow or ReceiveResult.Truncated)
            {
                count++;
                if (publish) Publish(KernelChange.Overflow);
                continue;
            }
            try
            {
                var datagram = _buffer.AsSpan(0, length);
                if (socket == _firewall) count += NotificationDecoder.FirewallDatagram(datagram, _prefix, _alsoTable, publish ? _publish : null, Options.ForeignChainsAndRules);
                else if (nsid == NsidMessage.NotAssigned) count += NotificationDecoder.RouteDatagram(datagram, "", publish ? _publish : null);
                else if (_names.TryGetValue(nsid, out var ns)) count += NotificationDecoder.RouteDatagram(datagram, ns, publish ? _publish : null);
                // else: a namespace we do not watch (another project's, or foreign)
            }
            catch (NetlinkParseException)
            {
                // A notification we cannot read: we do not know what changed, so look at everything.
                count++;
                if (publish) Publish(KernelChange.Overflow);
            }
        }
        return count;
    }

    /// <summary>
    /// A change that does not fit in the channel is lost, and the reader of <see cref="Changes"/>
    /// would take what it last read of that object as current: it owes an overflow (look at
    /// everything), written as soon as there is room. Caller holds _gate.
    /// </summary>
    private void Publish(KernelChange change)
    {
        PayOverflow();
        if (_channel.Writer.TryWrite(change)) return;
        Interlocked.Increment(ref _dropped);
        _owesOverflow = true;
    }

    /// <summary>Writes the overflow owed for a lost change, if there is room now. Caller holds _gate.</summary>
    private void PayOverflow()
    {
        if (_owesOverflow && _channel.Writer.TryWrite(KernelChange.Overflow)) _owesOverflow = false;
    }

    /// <summary>A change was lost to a full channel and no overflow has said so yet (guarded by _gate).</summary>
    private bool _owesOverflow;

    /// <summary>How long the reader waits for the channel to have room for an overflow it owes.</summary>
    private const int OverflowRetryMilliseconds = 20;

    /// <summary>Holds the reader off (test hook: lets notifications pile up in the kernel queue).</summary>
    internal Lock.Scope PauseReader() => _gate.EnterScope();

    /// <summary>Stops the reader thread and closes the sockets; <see cref="Changes"/> completes.</summary>
    public unsafe void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        ulong one = 1;
        write(_stopFd, &one, sizeof(ulong));
        _reader.Join();
        lock (_gate)
        {
            close(_stopFd);
            _route.Dispose();
            _firewall.Dispose();
        }
        lock (_watchGate) _requests.Dispose();
    }
}
