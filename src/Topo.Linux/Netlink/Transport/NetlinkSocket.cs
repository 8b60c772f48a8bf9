using Tmds.Linux;
using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.Messages;
using static Tmds.Linux.LibC;

namespace Topo.Linux.Netlink.Transport;

/// <summary>
/// A netlink socket (NETLINK_ROUTE unless asked otherwise): bound, with extended ACK and strict checking on, in the network
/// namespace of the thread that opened it (for good: a socket stays where it was created).
/// Checks that every reply comes from the kernel, to this port, with the expected sequence.
/// </summary>
internal sealed unsafe class NetlinkSocket : IDisposable
{
    private const int ReceiveBufferSize = 1 << 16;
    private const int SocketBufferBytes = 8 << 20;
    private const int MaxDumpAttempts = 10;
    private const int BatchBytesLimit = 1 << 15;

    private int _fd;
    private uint _sequence;

    // One receive buffer per thread, shared by every socket used there: observing 500 namespaces
    // opens 500 sockets, and a 64 KiB buffer each was most of what the garbage collector saw.
    // A received span is only read before the next receive on the same thread.
    [ThreadStatic]
    private static byte[]? t_receive;

    private NetlinkSocket(int fd, uint portId, uint firstSequence)
    {
        _fd = fd;
        PortId = portId;
        _sequence = firstSequence;
    }

    public uint PortId { get; }

    /// <summary>Opens a socket in the calling thread's network namespace.</summary>
    public static NetlinkSocket Open(int protocol = NetlinkProtocol.Route)
    {
        var fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
        if (fd < 0) throw SyscallException.FromErrno("socket(AF_NETLINK)");
        // One per namespace, kept for the whole command: leave the low numbers to libnftables.
        fd = FileDescriptors.KeepAboveSelectLimit(fd);
        try
        {
            SetOption(fd, SOL_NETLINK, NetlinkProtocol.ExtendedAck, 1, "NETLINK_EXT_ACK");
            SetOption(fd, SOL_NETLINK, NetlinkProtocol.GetStrictCheck, 1, "NETLINK_GET_STRICT_CHK");
            // The options only batches of writes need are set before the first one (PrepareForBatches):
            // most sockets only ever dump, and observing opens one per namespace.

            var address = new SockaddrNetlink { Family = AddressFamily.Netlink };
            if (bind(fd, (sockaddr*)&address, NetlinkProtocol.SockaddrSize) != 0) throw SyscallException.FromErrno("bind(AF_NETLINK)");
            socklen_t length = NetlinkProtocol.SockaddrSize;
            if (getsockname(fd, (sockaddr*)&address, &length) != 0) throw SyscallException.FromErrno("getsockname(AF_NETLINK)");
            return new NetlinkSocket(fd, address.PortId, (uint)Environment.TickCount);
        }
        catch
        {
            close(fd);
            throw;
        }
    }

    /// <summary>
    /// The network namespace's cookie (SO_NETNS_COOKIE, Linux 5.14+): unlike an inode number it
    /// is never given to another namespace while the machine runs.
    /// </summary>
    public ulong NamespaceCookie()
    {
        const int SoNetnsCookie = 71; // SO_NETNS_COOKIE, asm-generic/socket.h
        ulong cookie = 0;
        socklen_t length = sizeof(ulong);
        if (getsockopt(_fd, SOL_SOCKET, SoNetnsCookie, &cookie, &length) != 0) throw SyscallException.FromErrno("getsockopt(SO_NETNS_COOKIE)");
        return cookie;
    }

    public uint NextSequence() => unchecked(++_sequence == 0 ? ++_sequence : _sequence);

    /// <summary>
    /// Sends the messages of <paramref name="batch"/> back to back (each must ask for an ACK)
    /// and waits for every acknowledgement. The kernel handles them in order; a failure does
    /// not stop the ones after it. Throws the first failure after all acks are in.
    /// </summary>
    public void Execute(MessageBuffer batch, IReadOnlyList<string> operations)
    {
        PrepareForBatches();
        var pending = new Dictionary<uint, (int Index, int Offset, int Length)>(batch.MessageCount);
        var start = 0;
        var reader = new NetlinkMessageReader(batch.Written);
        var offset = 0;
        var index = 0;
        NetlinkException? first = null;
        var firstIndex = int.MaxValue;
        while (reader.MoveNext())
        {
            var end = offset + NetlinkProtocol.Align(reader.Header.Length);
            pending[reader.Header.Sequence] = (index++, offset, reader.Header.Length);
            if (end - start >= BatchBytesLimit)
            {
                Send(batch.Written[start..Math.Min(end, batch.Length)]);
                start = Math.Min(end, batch.Length);
                WaitForAcks(pending, batch.Written, operations, ref first, ref firstIndex);
            }
            offset = end;
        }
        if (start < batch.Length) Send(batch.Written[start..]);
        WaitForAcks(pending, batch.Written, operations, ref first, ref firstIndex);
        if (first is not null) throw first;
    }

    private bool _batchReady;

    private void PrepareForBatches()
    {
        if (_batchReady) return;
        // Acks without a copy of the request: less to read when hundreds are pipelined.
        SetOption(Fd, SOL_NETLINK, NetlinkProtocol.CapAck, 1, "NETLINK_CAP_ACK");
        // Best effort: large buffers so a pipelined batch's acks never overflow (FORCE needs CAP_NET_ADMIN).
        if (TrySetOption(Fd, SOL_SOCKET, SO_RCVBUFFORCE, SocketBufferBytes) != 0) TrySetOption(Fd, SOL_SOCKET, SO_RCVBUF, SocketBufferBytes);
        if (TrySetOption(Fd, SOL_SOCKET, SO_SNDBUFFORCE, SocketBufferBytes) != 0) TrySetOption(Fd, SOL_SOCKET, SO_SNDBUF, SocketBufferBytes);
        _batchReady = true;
    }

    private void WaitForAcks(Dictionary<uint, (int Index, int Offset, int Length)> pending, ReadOnlySpan<byte> sent, IReadOnlyList<string> operations,
        ref NetlinkException? first, ref int firstIndex)
    {
        while (pending.Count > 0)
        {
            var datagram = Receive();
            var reader = new NetlinkMessageReader(datagram);
            while (reader.MoveNext())
            {
                var h = reader.Header;
                if (h.PortId != PortId && h.PortId != 0) continue; // not ours
                if (!pending.TryGetValue(h.Sequence, out var request)) continue; // stale reply of an earlier request
                if (h.Type != NetlinkMessageType.Error) continue; // a reply that precedes the ack
                pending.Remove(h.Sequence);
                var i = request.Index;
                var error = ParseError(reader.Payload, h, operations[i], sent.Slice(request.Offset, request.Length));
                if (error is not null && i < firstIndex)
                {
                    first = error;
                    firstIndex = i;
                }
            }
        }
    }

    /// <summary>Sends one request that expects a single reply message (e.g. RTM_GETLINK by name) and returns a copy of its payload.</summary>
    public byte[] Get(MessageBuffer request, string operation)
    {
        var sequence = HostOrder.ReadUInt32(request.Written[8..]);
        Send(request.Written);
        while (true)
        {
            var datagram = Receive();
            var reader = new NetlinkMessageReader(datagram);
            while (reader.MoveNext())
            {
                var h = reader.Header;
                if (h.Sequence != sequence || (h.PortId != PortId && h.PortId != 0)) continue;
                if (h.Type == NetlinkMessageType.Error)
                {
                    throw ParseError(reader.Payload, h, operation, request.Written) ?? new NetlinkException(operation, EPROTO, "acknowledged without a reply", h.Sequence);
                }
                return reader.Payload.ToArray();
            }
        }
    }

    /// <summary>
    /// Runs a dump. Messages are handed to <paramref name="decode"/> as they come; if the kernel
    /// marks the dump interrupted (NLM_F_DUMP_INTR: the set changed under it) the results are
    /// dropped and the whole dump runs again, a bounded number of times.
    /// </summary>
    public List<T> Dump<T>(MessageBuffer request, string operation, ushort replyType, Func<ReadOnlySpan<byte>, T?> decode) where T : class
    {
        for (var attempt = 1; ; attempt++)
        {
            var sequence = NextSequence();
            HostOrder.WriteUInt32(request.Array.AsSpan(8), sequence);
            Send(request.Written);
            var results = new List<T>();
            var interrupted = false;
            var done = false;
            while (!done)
            {
                var datagram = Receive();
                var reader = new NetlinkMessageReader(datagram);
                while (reader.MoveNext())
                {
                    var h = reader.Header;
                    if (h.Sequence != sequence || h.PortId != PortId) continue; // stale or not ours
                    if ((h.Flags & NetlinkFlags.DumpInterrupted) != 0) interrupted = true;
                    if (h.Type == NetlinkMessageType.Done)
                    {
                        // An errno here means the dump stopped short (e.g. a message too big for the buffer).
                        if (ParseError(reader.Payload, h, operation, request.Written) is { } failed) throw failed;
                        done = true;
                        break;
                    }
                    if (h.Type == NetlinkMessageType.Error)
                    {
                        throw ParseError(reader.Payload, h, operation, request.Written) ?? new NetlinkException(operation, EPROTO, "dump ended with an ACK", h.Sequence);
                    }
                    if (h.Type == replyType && decode(reader.Payload) is { } item) results.Add(item);
                }
            }
            if (!interrupted) return results;
            if (attempt == MaxDumpAttempts)
            {
                throw new NetlinkException(operation, EINTR, $"dump interrupted {MaxDumpAttempts} times in a row", sequence);
            }
        }
    }

    /// <summary>Parses an NLMSG_ERROR or NLMSG_DONE payload; null for a plain ACK (error 0) or a clean end of dump.</summary>
    internal static NetlinkException? ParseError(ReadOnlySpan<byte> payload, NetlinkHeader header, string operation, ReadOnlySpan<byte> request) =>
        ReplyCheck.Check(payload, header, operation, request);

    private void Send(ReadOnlySpan<byte> data)
    {
        var address = new SockaddrNetlink { Family = AddressFamily.Netlink };
        fixed (byte* p = data)
        {
            var iov = new iovec { iov_base = p, iov_len = (size_t)data.Length };
            var msg = new msghdr
            {
                msg_name = &address,
                msg_namelen = NetlinkProtocol.SockaddrSize,
                msg_iov = &iov,
                msg_iovlen = 1,
            };
            while (true)
            {
                var sent = sendmsg(Fd, &msg, 0);
                if (sent >= 0) return;
                if (errno == EINTR) continue;
                throw SyscallException.FromErrno("sendmsg(netlink)");
            }
        }
    }

    /// <summary>Receives one datagram from the kernel (sender port 0); the span is valid until the next receive.</summary>
    private ReadOnlySpan<byte> Receive()
    {
        var address = default(SockaddrNetlink);
        var buffer = t_receive ??= new byte[ReceiveBufferSize];
        fixed (byte* p = buffer)
        {
            var iov = new iovec { iov_base = p, iov_len = (size_t)buffer.Length };
            while (true)
            {
                var msg = new msghdr
                {
                    msg_name = &address,
                    msg_namelen = NetlinkProtocol.SockaddrSize,
                    msg_iov = &iov,
                    msg_iovlen = 1,
                };
                var received = (long)recvmsg(Fd, &msg, 0);
                if (received < 0)
                {
                    if (errno == EINTR) continue;
                    throw SyscallException.FromErrno("recvmsg(netlink)");
                }
                if ((msg.msg_flags & MSG_TRUNC) != 0) throw new NetlinkParseException("netlink datagram larger than the receive buffer");
                if (address.PortId != 0) continue; // only the kernel talks to us
                return buffer.AsSpan(0, (int)received);
            }
        }
    }

    internal int Fd => _fd >= 0 ? _fd : throw new ObjectDisposedException(nameof(NetlinkSocket));

    private static void SetOption(int fd, int level, int name, int value, string what)
    {
        if (TrySetOption(fd, level, name, value) != 0) throw SyscallException.FromErrno($"setsockopt({what})");
    }

    private static int TrySetOption(int fd, int level, int name, int value) => setsockopt(fd, level, name, &value, sizeof(int));

    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0) close(fd);
    }
}
