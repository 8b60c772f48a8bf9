using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace Topo.Linux.Dns;

/// <summary>
/// One thread, one epoll set for every namespace's UDP socket and TCP listener. A readable UDP
/// socket gets one recvmmsg of up to <see cref="Batch"/> queries, answered in place (from the
/// book's cache: a copy and an id) and replied with one sendmmsg; queries for upstream go to the
/// <see cref="Forwarder"/> and are replied from there. A readable listener gets accept4 until
/// empty, each connection handed to <see cref="TcpFrontend"/>. Nothing one packet does can end
/// the loop. Chosen over .NET's Socket.ReceiveFromAsync per socket (a thread-pool hop and a
/// system call each way per datagram): at saturation (dnsperf -c 4 -T 2, 2 shared cores) this loop
/// answered 112–154k queries/s where a ReceiveFromAsync/SendToAsync loop doing nothing but copy a
/// pre-encoded reply managed 80–88k, and dnsmasq 72–102k, in the same runs (bench/dns-vs-dnsmasq.sh).
/// </summary>
internal sealed unsafe class ListenLoop : IDisposable
{
    private const int Batch = 32;
    private const int RoundsPerWakeup = 4; // then back to epoll, so one busy namespace cannot starve the others
    private const int AcceptsPerWakeup = 16;
    private const int MaxEvents = 64;
    private const ulong WakeId = 0;
    private const ulong TcpBit = 1UL << 63;
    private const int SockaddrSize = 16; // sockaddr_in
    private static readonly TimeSpan AcceptPause = TimeSpan.FromSeconds(1);

    private readonly Responder _responder;
    private readonly Forwarder _forwarder;
    private readonly TcpFrontend _tcp;
    private readonly DnsCounters _counters;
    private readonly ILogger _log;
    private readonly ConcurrentDictionary<ulong, NamespaceServer> _servers = new();
    private readonly OwnedFd _epoll;
    private readonly OwnedFd _wake;
    private readonly Thread _thread;
    private volatile bool _stopping;

    // Native buffers, used by the loop thread only: Batch receive and send slots.
    private readonly byte* _memory;
    private readonly MultiMessage.Entry* _received;
    private readonly MultiMessage.Entry* _replies;
    private readonly MultiMessage.IoVec* _receiveIov;
    private readonly MultiMessage.IoVec* _replyIov;
    private readonly byte* _receiveBuffers;
    private readonly byte* _replyBuffers;
    private readonly byte* _names;
    private readonly byte[] _query = new byte[DnsCodec.MaxUdpReply]; // a received query as an array, for ARSoft's parser

    public ListenLoop(Responder responder, Forwarder forwarder, TcpFrontend tcp, DnsCounters counters, ILogger log)
    {
        _responder = responder;
        _forwarder = forwarder;
        _tcp = tcp;
        _counters = counters;
        _log = log;

        var epoll = epoll_create1(EPOLL_CLOEXEC);
        if (epoll < 0) throw FileDescriptors.Error("epoll_create1");
        _epoll = new OwnedFd(FileDescriptors.MoveAboveSelectLimit(epoll));
        var wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (wake < 0) throw FileDescriptors.Error("eventfd");
        _wake = new OwnedFd(FileDescriptors.MoveAboveSelectLimit(wake));
        Watch(_wake.Fd, WakeId);

        var size = 2 * Batch * (sizeof(MultiMessage.Entry) + sizeof(MultiMessage.IoVec) + DnsCodec.MaxUdpReply) + Batch * SockaddrSize;
        _memory = (byte*)NativeMemory.AllocZeroed((nuint)size);
        var p = _memory;
        _received = (MultiMessage.Entry*)p; p += Batch * sizeof(MultiMessage.Entry);
        _replies = (MultiMessage.Entry*)p; p += Batch * sizeof(MultiMessage.Entry);
        _receiveIov = (MultiMessage.IoVec*)p; p += Batch * sizeof(MultiMessage.IoVec);
        _replyIov = (MultiMessage.IoVec*)p; p += Batch * sizeof(MultiMessage.IoVec);
        _receiveBuffers = p; p += Batch * DnsCodec.MaxUdpReply;
        _replyBuffers = p; p += Batch * DnsCodec.MaxUdpReply;
        _names = p;
        for (var i = 0; i < Batch; i++)
        {
            _receiveIov[i] = new MultiMessage.IoVec { Base = _receiveBuffers + i * DnsCodec.MaxUdpReply, Length = DnsCodec.MaxUdpReply };
            _received[i].Header = new MultiMessage.MessageHeader { Name = _names + i * SockaddrSize, Iov = &_receiveIov[i], IovLength = 1 };
            _replyIov[i] = new MultiMessage.IoVec { Base = _replyBuffers + i * DnsCodec.MaxUdpReply };
            _replies[i].Header = new MultiMessage.MessageHeader { NameLength = SockaddrSize, Iov = &_replyIov[i], IovLength = 1 };
        }

        _thread = new Thread(Run) { IsBackground = true, Name = "topo-dns" };
        _thread.Start();
    }

    /// <summary>Starts serving <paramref name="server"/>'s sockets.</summary>
    public void Add(NamespaceServer server)
    {
        _servers[server.Id] = server;
        Watch(server.Udp.Fd, server.Id);
        Watch(server.Tcp.Fd, server.Id | TcpBit);
    }

    /// <summary>Stops serving <paramref name="server"/>'s sockets (the caller closes them; a packet being answered finishes first).</summary>
    public void Remove(NamespaceServer server)
    {
        _servers.TryRemove(server.Id, out _);
        epoll_ctl(_epoll.Fd, EPOLL_CTL_DEL, server.Udp.Fd, null);
        epoll_ctl(_epoll.Fd, EPOLL_CTL_DEL, server.Tcp.Fd, null);
    }

    private void Watch(int fd, ulong id)
    {
        var e = new epoll_event { events = EPOLLIN };
        e.data.u64 = id;
        if (epoll_ctl(_epoll.Fd, EPOLL_CTL_ADD, fd, &e) != 0) throw FileDescriptors.Error("epoll_ctl(ADD)");
    }

    private void Run()
    {
        var events = stackalloc epoll_event[MaxEvents];
        while (!_stopping)
        {
            var n = epoll_wait(_epoll.Fd, events, MaxEvents, -1);
            if (n < 0)
            {
                if (errno == EINTR) continue;
                _log.LoopFailed(FileDescriptors.Error("epoll_wait"));
                return;
            }
            for (var i = 0; i < n && !_stopping; i++)
            {
                var id = events[i].data.u64;
                if (id == WakeId) continue;
                if (!_servers.TryGetValue(id & ~TcpBit, out var server)) continue; // stopped meanwhile
                try
                {
                    if ((id & TcpBit) != 0) Accept(server);
                    else Serve(server);
                }
                catch (Exception e)
                {
                    // A bug, not input: keep serving everyone else, say so once per occurrence.
                    _log.ServeFailed(server.Name, e);
                }
            }
        }
    }

    private void Serve(NamespaceServer server)
    {
        var added = false;
        try
        {
            server.Udp.DangerousAddRef(ref added);
        }
        catch (ObjectDisposedException)
        {
            return;
        }
        try
        {
            for (var round = 0; round < RoundsPerWakeup; round++)
            {
                for (var i = 0; i < Batch; i++) _received[i].Header.NameLength = SockaddrSize;
                var received = MultiMessage.Receive(server.Udp.Fd, _received, Batch, MSG_DONTWAIT, null);
                if (received <= 0) return; // EAGAIN: drained
                var book = server.Book; // one view for the whole batch
                var replies = 0;
                for (var i = 0; i < received; i++)
                {
                    if (Answer(server, book, i, replies)) replies++;
                }
                SendAll(server.Udp.Fd, replies);
                if (received < Batch) return;
            }
        }
        finally
        {
            server.Udp.DangerousRelease();
        }
    }

    /// <summary>Answers received datagram <paramref name="i"/> into reply slot <paramref name="slot"/>; false when nothing is to be sent now.</summary>
    private bool Answer(NamespaceServer server, AnswerBook book, int i, int slot)
    {
        ref var entry = ref _received[i];
        if ((entry.Header.Flags & MultiMessage.MsgTrunc) != 0 || entry.Header.NameLength != SockaddrSize)
        {
            _counters.Dropped();
            return false;
        }
        var length = (int)entry.Length;
        var data = new ReadOnlySpan<byte>(_receiveIov[i].Base, length);
        var client = (sockaddr_in*)entry.Header.Name;
        QueryOutcome outcome;
        try
        {
            outcome = _responder.Answer(data, _query, book, DnsTransport.Udp);
        }
        catch (Exception e)
        {
            _counters.Dropped();
            _log.QueryFailed(server.Name, e);
            return false;
        }
        var reply = outcome.Reply;
        switch (outcome.Action)
        {
            case QueryAction.Reply:
                break;
            case QueryAction.Forward when _forwarder.TryReserve():
                _forwarder.ForwardUdp(server, outcome.Query!, data.ToArray(), *client);
                return false;
            case QueryAction.Forward:
                _counters.Overloaded();
                reply = Responder.ServerFailure(outcome.Query!);
                break;
            default:
                return false;
        }
        if (reply!.Length > DnsCodec.MaxUdpReply || length < 2)
        {
            _counters.Dropped();
            return false;
        }
        var target = _replyBuffers + slot * DnsCodec.MaxUdpReply;
        reply.CopyTo(new Span<byte>(target, reply.Length));
        data[..2].CopyTo(new Span<byte>(target, 2)); // the asker's id (a cached reply carries the first asker's)
        _replyIov[slot].Length = (nuint)reply.Length;
        _replies[slot].Header.Name = client;
        return true;
    }

    private void SendAll(int fd, int count)
    {
        var sent = 0;
        while (sent < count)
        {
            var n = MultiMessage.Send(fd, _replies + sent, (uint)(count - sent), MSG_DONTWAIT);
            if (n <= 0)
            {
                // EAGAIN (socket buffer full) or a client gone: UDP, the client asks again. Skip one.
                _counters.Dropped();
                sent++;
                continue;
            }
            sent += n;
        }
    }

    private void Accept(NamespaceServer server)
    {
        var added = false;
        try
        {
            server.Tcp.DangerousAddRef(ref added);
        }
        catch (ObjectDisposedException)
        {
            return;
        }
        try
        {
            for (var i = 0; i < AcceptsPerWakeup; i++)
            {
                var fd = accept4(server.Tcp.Fd, null, null, SOCK_CLOEXEC | SOCK_NONBLOCK);
                if (fd < 0)
                {
                    var code = errno;
                    if (code == EAGAIN || code == EINTR || code == ECONNABORTED) return;
                    _log.AcceptFailed(server.Name, FileDescriptors.Error("accept4"));
                    PauseAccepting(server); // out of fds (EMFILE): a level-triggered listener would wake the loop forever
                    return;
                }
                int moved;
                try
                {
                    moved = FileDescriptors.MoveAboveSelectLimit(fd);
                }
                catch (IOException e)
                {
                    _log.AcceptFailed(server.Name, e);
                    continue;
                }
                _tcp.Serve(server, new Socket(new SafeSocketHandle(moved, ownsHandle: true)));
            }
        }
        finally
        {
            server.Tcp.DangerousRelease();
        }
    }

    /// <summary>Stops watching <paramref name="server"/>'s listener for <see cref="AcceptPause"/>; connections wait in its backlog.</summary>
    private void PauseAccepting(NamespaceServer server)
    {
        var none = new epoll_event { events = 0 };
        none.data.u64 = server.Id | TcpBit;
        epoll_ctl(_epoll.Fd, EPOLL_CTL_MOD, server.Tcp.Fd, &none);
        _ = Task.Delay(AcceptPause).ContinueWith(_ =>
        {
            bool epoll = false, listener = false;
            try
            {
                _epoll.DangerousAddRef(ref epoll); // neither closed (and its number reused) under us
                server.Tcp.DangerousAddRef(ref listener);
                if (_stopping || !_servers.ContainsKey(server.Id)) return;
                var again = new epoll_event { events = EPOLLIN };
                again.data.u64 = server.Id | TcpBit;
                epoll_ctl(_epoll.Fd, EPOLL_CTL_MOD, server.Tcp.Fd, &again);
            }
            catch (ObjectDisposedException)
            {
            }
            finally
            {
                if (listener) server.Tcp.DangerousRelease();
                if (epoll) _epoll.DangerousRelease();
            }
        }, TaskScheduler.Default);
    }

    public void Dispose()
    {
        if (_stopping) return;
        _stopping = true;
        ulong one = 1;
        write(_wake.Fd, &one, sizeof(ulong));
        _thread.Join();
        _epoll.Dispose();
        _wake.Dispose();
        NativeMemory.Free(_memory);
    }
}
