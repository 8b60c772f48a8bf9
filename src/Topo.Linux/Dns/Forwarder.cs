using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net.Dns;
using Microsoft.Extensions.Logging;
using Tmds.Linux;

namespace Topo.Linux.Dns;

/// <summary>
/// Asks upstream what the views do not hold: the servers in resolv.conf order, each for at most
/// <see cref="EmbeddedDnsOptions.ForwardTimeout"/>, the next one on timeout, SERVFAIL, REFUSED or
/// an unreachable server, all within <see cref="EmbeddedDnsOptions.ForwardBudget"/> (below the 5 s
/// glibc and dig wait, so the client hears SERVFAIL rather than nothing). The client's query goes
/// as it came (its id, its EDNS size) over the transport it came by, from a fresh socket per
/// forward (a random source port each time), and the reply comes back as it was (TC included).
/// At most <see cref="EmbeddedDnsOptions.MaxForwardsInFlight"/> at once; beyond: SERVFAIL at once.
/// </summary>
internal sealed class Forwarder : IDisposable
{
    private const int MaxMessage = ushort.MaxValue;

    private readonly Upstreams _upstreams;
    private readonly UpstreamDialer _dialer;
    private readonly EmbeddedDnsOptions _options;
    private readonly DnsCounters _counters;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _disposing = new();
    private int _inFlight;

    public Forwarder(Upstreams upstreams, UpstreamDialer dialer, EmbeddedDnsOptions options, DnsCounters counters, ILogger log)
    {
        _upstreams = upstreams;
        _dialer = dialer;
        _options = options;
        _counters = counters;
        _log = log;
    }

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Takes a forward slot; false when all are in use (the caller answers SERVFAIL).</summary>
    public bool TryReserve()
    {
        if (Interlocked.Increment(ref _inFlight) <= _options.MaxForwardsInFlight) return true;
        Interlocked.Decrement(ref _inFlight);
        return false;
    }

    /// <summary>Forwards a UDP query (slot reserved) on the thread pool and sends the reply to <paramref name="client"/> from <paramref name="server"/>'s socket.</summary>
    public void ForwardUdp(NamespaceServer server, DnsMessage query, byte[] bytes, sockaddr_in client) =>
        _ = ForwardUdpAsync(server, query, bytes, client);

    private async Task ForwardUdpAsync(NamespaceServer server, DnsMessage query, byte[] bytes, sockaddr_in client)
    {
        try
        {
            await Task.Yield(); // off the event loop's thread at once
            var reply = await ExchangeAsync(query, bytes, DnsTransport.Udp, server.Stopping.Token);
            server.SendTo(reply, client);
        }
        catch (OperationCanceledException)
        {
            // the namespace's resolver stopped, or the resolver is shutting down
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
        {
            // shutting down: the dialler's namespace thread is gone
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>Forwards a TCP query (slot reserved) over TCP; the reply to send back.</summary>
    public async Task<byte[]> ForwardTcpAsync(DnsMessage query, byte[] bytes, CancellationToken cancel)
    {
        try
        {
            return await ExchangeAsync(query, bytes, DnsTransport.Tcp, cancel);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task<byte[]> ExchangeAsync(DnsMessage query, byte[] bytes, DnsTransport transport, CancellationToken cancel)
    {
        var servers = _upstreams.Servers;
        if (servers.Count == 0)
        {
            _counters.ForwardFailed();
            _log.NoUpstream();
            return Responder.ServerFailure(query);
        }
        var deadline = Stopwatch.GetTimestamp() + (long)(_options.ForwardBudget.TotalSeconds * Stopwatch.Frequency);
        byte[]? refusal = null;
        foreach (var server in servers)
        {
            var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (remaining <= TimeSpan.Zero) break;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel, _disposing.Token);
            timeout.CancelAfter(remaining < _options.ForwardTimeout ? remaining : _options.ForwardTimeout);
            try
            {
                var (reply, code) = transport == DnsTransport.Udp
                    ? await AskUdpAsync(server, query, bytes, timeout.Token)
                    : await AskTcpAsync(server, query, bytes, timeout.Token);
                if (code is ReturnCode.ServerFailure or ReturnCode.Refused)
                {
                    _log.UpstreamFailed(server, code.ToString());
                    refusal = reply;
                    continue;
                }
                _counters.Forwarded();
                return reply;
            }
            catch (OperationCanceledException) when (!cancel.IsCancellationRequested && !_disposing.IsCancellationRequested)
            {
                _log.UpstreamFailed(server, "timeout");
            }
            catch (Exception e) when (e is SocketException or IOException)
            {
                _log.UpstreamFailed(server, e.Message);
            }
        }
        _counters.ForwardFailed();
        return refusal ?? Responder.ServerFailure(query);
    }

    private async Task<(byte[] Reply, ReturnCode Code)> AskUdpAsync(IPEndPoint server, DnsMessage query, byte[] bytes, CancellationToken cancel)
    {
        using var socket = _dialer.Open(server.AddressFamily, SocketType.Dgram);
        socket.Connect(server); // connected: only the server's datagrams arrive; ICMP unreachable surfaces as an error
        await socket.SendAsync(bytes, SocketFlags.None, cancel);
        var buffer = ArrayPool<byte>.Shared.Rent(MaxMessage);
        try
        {
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancel);
                if (Answers(query, buffer.AsSpan(0, n), out var code)) return (buffer.AsSpan(0, n).ToArray(), code);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<(byte[] Reply, ReturnCode Code)> AskTcpAsync(IPEndPoint server, DnsMessage query, byte[] bytes, CancellationToken cancel)
    {
        using var socket = _dialer.Open(server.AddressFamily, SocketType.Stream);
        await socket.ConnectAsync(server, cancel);
        var framed = new byte[2 + bytes.Length];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)bytes.Length);
        bytes.CopyTo(framed, 2);
        await socket.SendAsync(framed, SocketFlags.None, cancel);
        var length = new byte[2];
        while (true)
        {
            await TcpFrontend.ReadExactlyAsync(socket, length, cancel);
            var reply = new byte[BinaryPrimitives.ReadUInt16BigEndian(length)];
            await TcpFrontend.ReadExactlyAsync(socket, reply, cancel);
            if (Answers(query, reply, out var code)) return (reply, code);
        }
    }

    /// <summary>A reply to <paramref name="query"/>: a response with its id and question. Anything else (stray, spoofed, broken) is ignored.</summary>
    private static bool Answers(DnsMessage query, ReadOnlySpan<byte> data, out ReturnCode code)
    {
        code = default;
        if (DnsCodec.TryParse(new ArraySegment<byte>(data.ToArray())) is not { } reply) return false;
        if (reply.IsQuery || reply.TransactionID != query.TransactionID || reply.Questions.Count != 1) return false;
        var asked = query.Questions[0];
        var answered = reply.Questions[0];
        if (answered.RecordType != asked.RecordType || answered.RecordClass != asked.RecordClass || !answered.Name.Equals(asked.Name)) return false;
        code = reply.ReturnCode;
        return true;
    }

    public void Dispose()
    {
        _disposing.Cancel();
    }
}
