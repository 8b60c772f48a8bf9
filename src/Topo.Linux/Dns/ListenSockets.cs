using System.Net;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace Topo.Linux.Dns;

/// <summary>
/// The two sockets a namespace's resolver listens on, made in the calling thread's network
/// namespace (a socket stays in the namespace it was created in, so they are made on a
/// namespace thread and used from any thread afterwards), non-blocking, with fds ≥ 1024.
/// Both are served by <see cref="ListenLoop"/>.
/// </summary>
internal static unsafe class ListenSockets
{
    private const int TcpBacklog = 128;

    public static OwnedFd BindUdp(IPEndPoint endpoint) => Bind(SOCK_DGRAM, endpoint, "UDP");

    public static OwnedFd ListenTcp(IPEndPoint endpoint)
    {
        var handle = Bind(SOCK_STREAM, endpoint, "TCP");
        if (listen(handle.Fd, TcpBacklog) != 0)
        {
            var error = FileDescriptors.Error($"listen TCP {endpoint}");
            handle.Dispose();
            throw error;
        }
        return handle;
    }

    private static OwnedFd Bind(int type, IPEndPoint endpoint, string what)
    {
        var fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) throw FileDescriptors.Error($"socket({what})");
        try
        {
            var one = 1;
            // The address may not be usable yet (lo still down in a namespace being set up): bind
            // anyway; it answers once it is.
            if (setsockopt(fd, SOL_IP, IP_FREEBIND, &one, sizeof(int)) != 0) throw FileDescriptors.Error("setsockopt(IP_FREEBIND)");
            if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(int)) != 0) throw FileDescriptors.Error("setsockopt(SO_REUSEADDR)");
            var address = SocketAddresses.ToSockaddr(endpoint);
            if (bind(fd, (sockaddr*)&address, (uint)sizeof(sockaddr_in)) != 0) throw FileDescriptors.Error($"bind {what} {endpoint}");
        }
        catch
        {
            close(fd);
            throw;
        }
        return new OwnedFd(FileDescriptors.MoveAboveSelectLimit(fd));
    }
}
