using System.Net.Sockets;
using Topo.Linux.Namespaces;
using static Tmds.Linux.LibC;

namespace Topo.Linux.Dns;

/// <summary>
/// Opens the sockets that talk to upstream servers, in the namespace upstream is dialled from: the
/// process's own by default (any thread but a namespace thread is in it, so the socket is made
/// right there), or a configured one (tests: a sandbox's host), entered on a namespace thread of
/// the dialler's own so forwards never wait behind the watcher's namespace work. Every fd ≥ 1024.
/// </summary>
internal sealed class UpstreamDialer : IDisposable
{
    private readonly NetNamespace? _namespace;
    private readonly NamespaceThread? _thread;

    public UpstreamDialer(NetNamespace? upstreamNamespace)
    {
        _namespace = upstreamNamespace;
        if (upstreamNamespace is not null) _thread = new NamespaceThread("topo-dns-upstream");
    }

    public Socket Open(AddressFamily family, SocketType type)
    {
        var domain = family == AddressFamily.InterNetworkV6 ? AF_INET6 : AF_INET;
        var kind = (type == SocketType.Stream ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC;
        int Create()
        {
            var fd = socket(domain, kind, 0);
            if (fd < 0) throw FileDescriptors.Error("socket (upstream)");
            return fd;
        }
        var fd = _thread is null ? Create() : _thread.Run(_namespace!, Create);
        return new Socket(new SafeSocketHandle(FileDescriptors.MoveAboveSelectLimit(fd), ownsHandle: true));
    }

    public void Dispose() => _thread?.Dispose();
}
