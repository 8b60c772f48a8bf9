using Tmds.Linux;
using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.Messages;
using Topo.Linux.Netlink.Transport;
using static Tmds.Linux.LibC;

namespace Topo.Linux.Monitoring;

/// <summary>What one non-blocking receive found.</summary>
internal enum ReceiveResult
{
    /// <summary>A datagram from the kernel.</summary>
    Datagram,
    /// <summary>Nothing queued (EAGAIN).</summary>
    Empty,
    /// <summary>The receive queue overflowed and notifications were dropped (ENOBUFS).</summary>
    Overflow,
    /// <summary>A datagram larger than the buffer: its tail is lost.</summary>
    Truncated,
}

/// <summary>
/// A non-blocking netlink socket that only listens: joined to multicast groups, optionally to
/// every peer namespace that has an id here (NETLINK_LISTEN_ALL_NSID). Sends nothing.
/// </summary>
internal sealed unsafe class MulticastSocket : IDisposable
{
    /// <summary>CMSG_SPACE(sizeof(int)) with room to spare.</summary>
    private const int ControlBytes = 64;

    private int _fd;

    private MulticastSocket(int fd) => _fd = fd;

    public int Fd => _fd >= 0 ? _fd : throw new ObjectDisposedException(nameof(MulticastSocket));

    /// <summary>Opens the socket in the calling thread's network namespace.</summary>
    public static MulticastSocket Open(int protocol, ReadOnlySpan<int> groups, bool listenAllNamespaces, int receiveBufferBytes)
    {
        var fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, protocol);
        if (fd < 0) throw SyscallException.FromErrno($"socket(AF_NETLINK, {protocol})");
        try
        {
            // FORCE goes past net.core.rmem_max but needs CAP_NET_ADMIN; the plain one is capped.
            if (SetOption(fd, SOL_SOCKET, SO_RCVBUFFORCE, receiveBufferBytes) != 0
                && SetOption(fd, SOL_SOCKET, SO_RCVBUF, receiveBufferBytes) != 0)
            {
                throw SyscallException.FromErrno("setsockopt(SO_RCVBUF)");
            }
            var address = new SockaddrNetlink { Family = AddressFamily.Netlink };
            if (bind(fd, (sockaddr*)&address, NetlinkProtocol.SockaddrSize) != 0) throw SyscallException.FromErrno("bind(AF_NETLINK)");
            foreach (var group in groups)
            {
                if (SetOption(fd, NetlinkSocketOption.SolNetlink, NetlinkSocketOption.AddMembership, group) != 0)
                {
                    throw SyscallException.FromErrno($"setsockopt(NETLINK_ADD_MEMBERSHIP, {group})");
                }
            }
            if (listenAllNamespaces && SetOption(fd, NetlinkSocketOption.SolNetlink, NetlinkSocketOption.ListenAllNsid, 1) != 0)
            {
                throw SyscallException.FromErrno("setsockopt(NETLINK_LISTEN_ALL_NSID)");
            }
            return new MulticastSocket(fd);
        }
        catch
        {
            close(fd);
            throw;
        }
    }

    /// <summary>The receive buffer the kernel granted (it doubles the request for bookkeeping).</summary>
    public int ReceiveBufferBytes
    {
        get
        {
            int value = 0;
            socklen_t length = sizeof(int);
            return getsockopt(Fd, SOL_SOCKET, SO_RCVBUF, &value, &length) == 0 ? value : -1;
        }
    }

    /// <summary>
    /// Receives one datagram without blocking. <paramref name="nsid"/> is the id (in this socket's
    /// namespace) of the namespace it came from, or <see cref="NsidMessage.NotAssigned"/> when the
    /// kernel attached none: the socket's own namespace (unless that has an id for itself).
    /// Datagrams not sent by the kernel are skipped.
    /// </summary>
    public ReceiveResult Receive(Span<byte> buffer, out int length, out int nsid)
    {
        var address = default(SockaddrNetlink);
        byte* control = stackalloc byte[ControlBytes];
        fixed (byte* p = buffer)
        {
            var iov = new iovec { iov_base = p, iov_len = (size_t)buffer.Length };
            while (true)
            {
                length = 0;
                nsid = NsidMessage.NotAssigned;
                var msg = new msghdr
                {
                    msg_name = &address,
                    msg_namelen = NetlinkProtocol.SockaddrSize,
                    msg_iov = &iov,
                    msg_iovlen = 1,
                    msg_control = control,
                    msg_controllen = ControlBytes,
                };
                var received = (long)recvmsg(Fd, &msg, MSG_DONTWAIT);
                if (received < 0)
                {
                    var error = errno;
                    if (error == EINTR) continue;
                    if (error == EAGAIN || error == EWOULDBLOCK) return ReceiveResult.Empty;
                    if (error == ENOBUFS) return ReceiveResult.Overflow;
                    throw SyscallException.FromErrno("recvmsg(netlink multicast)");
                }
                if (address.PortId != 0) continue; // only the kernel sends notifications
                if ((msg.msg_flags & MSG_TRUNC) != 0) return ReceiveResult.Truncated;
                nsid = SourceNsid(new ReadOnlySpan<byte>(control, (int)(uint)msg.msg_controllen));
                length = (int)received;
                return ReceiveResult.Datagram;
            }
        }
    }

    /// <summary>
    /// The int of a SOL_NETLINK / NETLINK_LISTEN_ALL_NSID control message, if there is one. Parsed
    /// here rather than with Tmds.LibC's CMSG_* helpers, whose cmsghdr is not the kernel's on
    /// 64-bit Linux (struct cmsghdr { size_t cmsg_len; int cmsg_level; int cmsg_type; }, each
    /// message aligned to sizeof(size_t)).
    /// </summary>
    internal static int SourceNsid(ReadOnlySpan<byte> control)
    {
        var word = IntPtr.Size;
        var header = word + 2 * sizeof(int);
        while (control.Length >= header)
        {
            var length = word == 8 ? (long)HostOrder.ReadUInt64(control) : HostOrder.ReadUInt32(control);
            if (length < header || length > control.Length) break;
            var level = HostOrder.ReadInt32(control[word..]);
            var type = HostOrder.ReadInt32(control[(word + sizeof(int))..]);
            if (level == NetlinkSocketOption.SolNetlink && type == NetlinkSocketOption.ListenAllNsid && length >= header + sizeof(int))
            {
                return HostOrder.ReadInt32(control[header..]);
            }
            var next = ((int)length + word - 1) & ~(word - 1);
            if (next >= control.Length) break;
            control = control[next..];
        }
        return NsidMessage.NotAssigned;
    }

    private static int SetOption(int fd, int level, int name, int value) => setsockopt(fd, level, name, &value, sizeof(int));

    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0) close(fd);
    }
}
