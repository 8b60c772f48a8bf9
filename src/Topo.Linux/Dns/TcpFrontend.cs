using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Topo.Linux.Dns;

/// <summary>
/// DNS over TCP (RFC 7766): 2-byte length framing, several queries per connection answered in
/// order, full answers (no truncation), forwards over TCP. A connection idle for
/// <see cref="EmbeddedDnsOptions.TcpIdleTimeout"/> (between queries, or in the middle of one) is
/// closed, and so is one that sends something that is not a query; a namespace takes at most
/// <see cref="EmbeddedDnsOptions.MaxTcpConnectionsPerNamespace"/> at once (beyond: closed at once).
/// </summary>
internal sealed class TcpFrontend(Responder responder, Forwarder forwarder, EmbeddedDnsOptions options, DnsCounters counters, ILogger log)
{
    private const int HeaderLength = 12;

    /// <summary>Serves an accepted connection on the thread pool; takes ownership of <paramref name="connection"/>.</summary>
    public void Serve(NamespaceServer server, Socket connection)
    {
        if (!server.TryOpenConnection(options.MaxTcpConnectionsPerNamespace))
        {
            counters.TcpRefused();
            connection.Dispose();
            return;
        }
        _ = ServeAsync(server, connection);
    }

    private async Task ServeAsync(NamespaceServer server, Socket connection)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ushort.MaxValue);
        var scratch = ArrayPool<byte>.Shared.Rent(ushort.MaxValue);
        try
        {
            await Task.Yield(); // off the event loop's thread at once
            var length = new byte[2];
            while (true)
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(server.Stopping.Token);
                idle.CancelAfter(options.TcpIdleTimeout);
                if (!await TryReadExactlyAsync(connection, length, idle.Token)) return; // the client closed: done
                var size = BinaryPrimitives.ReadUInt16BigEndian(length);
                if (size < HeaderLength)
                {
                    counters.Dropped(); // no DNS message is this short: not a DNS client, hang up
                    return;
                }
                var query = buffer.AsMemory(0, size);
                await ReadExactlyAsync(connection, query, idle.Token);
                var reply = await AnswerAsync(server, query, scratch, idle.Token);
                if (reply is null) return;
                var framed = new byte[2 + reply.Length];
                BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)reply.Length);
                reply.CopyTo(framed, 2);
                await connection.SendAsync(framed, SocketFlags.None, idle.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            // idle, stopped, or the client went away
        }
        catch (Exception e)
        {
            log.QueryFailed(server.Name, e);
        }
        finally
        {
            connection.Dispose();
            server.ConnectionClosed();
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private async Task<byte[]?> AnswerAsync(NamespaceServer server, ReadOnlyMemory<byte> query, byte[] scratch, CancellationToken cancel)
    {
        var outcome = responder.Answer(query.Span, scratch, server.Book, DnsTransport.Tcp);
        switch (outcome.Action)
        {
            case QueryAction.Reply:
                return outcome.Reply;
            case QueryAction.Forward when forwarder.TryReserve():
                return await forwarder.ForwardTcpAsync(outcome.Query!, query.ToArray(), cancel);
            case QueryAction.Forward:
                counters.Overloaded();
                return Responder.ServerFailure(outcome.Query!);
            default:
                return null;
        }
    }

    /// <summary>Reads exactly <paramref name="buffer"/>'s length; false if the peer closed before the first byte, IOException if in the middle.</summary>
    private static async Task<bool> TryReadExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken cancel)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await socket.ReceiveAsync(buffer[read..], SocketFlags.None, cancel);
            if (n == 0)
            {
                if (read == 0) return false;
                throw new IOException("connection closed in the middle of a message");
            }
            read += n;
        }
        return true;
    }

    public static async Task ReadExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken cancel)
    {
        if (!await TryReadExactlyAsync(socket, buffer, cancel)) throw new IOException("connection closed");
    }
}
