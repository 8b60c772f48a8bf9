using Tmds.Linux;
using Topo.Core.Dns;
using Topo.Linux.Namespaces;
using static Tmds.Linux.LibC;

namespace Topo.Linux.Dns;

/// <summary>
/// The resolver of one namespace: its UDP socket and TCP listener (made inside the namespace,
/// identified by the namespace's nsfs device and inode at that moment), the book it answers from,
/// and its open TCP connections. The book is swapped in one reference write; the sockets stay.
/// </summary>
internal sealed unsafe class NamespaceServer : IDisposable
{
    private static long s_lastId;
    private AnswerBook _book;
    private int _tcpConnections;

    public NamespaceServer(string name, NamespaceIdentity identity, OwnedFd udp, OwnedFd tcp, DnsView view, AnswerBook book)
    {
        Name = name;
        Identity = identity;
        Udp = udp;
        Tcp = tcp;
        View = view;
        _book = book;
    }

    /// <summary>Never reused: the event loop finds a server by it, so a late event for a stopped server finds nothing.</summary>
    public ulong Id { get; } = (ulong)Interlocked.Increment(ref s_lastId);

    public string Name { get; }

    public NamespaceIdentity Identity { get; }

    public OwnedFd Udp { get; }

    public OwnedFd Tcp { get; }

    /// <summary>The view the book was made from (only the updating thread reads it).</summary>
    public DnsView View { get; private set; }

    public AnswerBook Book => Volatile.Read(ref _book);


    public CancellationTokenSource Stopping { get; } = new();

    public void Swap(DnsView view, AnswerBook book)
    {
        View = view;
        Volatile.Write(ref _book, book);
    }

    /// <summary>Counts a new TCP connection in unless <paramref name="limit"/> are open already.</summary>
    public bool TryOpenConnection(int limit)
    {
        if (Interlocked.Increment(ref _tcpConnections) <= limit) return true;
        Interlocked.Decrement(ref _tcpConnections);
        return false;
    }

    public void ConnectionClosed() => Interlocked.Decrement(ref _tcpConnections);

    public int TcpConnections => Volatile.Read(ref _tcpConnections);

    /// <summary>Sends a reply from another thread (a forward's); false when the server stopped or the socket buffer is full.</summary>
    public bool SendTo(ReadOnlySpan<byte> reply, in sockaddr_in client)
    {
        var added = false;
        try
        {
            Udp.DangerousAddRef(ref added);
            fixed (byte* data = reply)
            fixed (sockaddr_in* to = &client)
            {
                return sendto(Udp.Fd, data, (size_t)reply.Length, MSG_DONTWAIT, (sockaddr*)to, (uint)sizeof(sockaddr_in)) == reply.Length;
            }
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            if (added) Udp.DangerousRelease();
        }
    }

    public void Dispose()
    {
        Stopping.Cancel();
        Udp.Dispose();
        Tcp.Dispose();
    }
}
