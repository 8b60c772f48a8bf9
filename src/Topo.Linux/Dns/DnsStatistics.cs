namespace Topo.Linux.Dns;

/// <summary>What the resolver did since it started, over every namespace.</summary>
/// <param name="Answered">Queries answered from the views (names, pointers, NODATA, NXDOMAIN in the project's subnets).</param>
/// <param name="Forwarded">Queries answered by an upstream server (its reply passed on).</param>
/// <param name="ForwardFailures">Forwards that ended in SERVFAIL: no server configured, every server timed out or failed.</param>
/// <param name="Overloaded">Queries refused with SERVFAIL because the forwards in flight were at their bound.</param>
/// <param name="Rejected">Queries answered with an error because they were not well-formed questions (FORMERR, NOTIMP, BADVERS).</param>
/// <param name="Dropped">Packets dropped without reply: unparseable, responses (QR set), garbage over TCP.</param>
/// <param name="TcpRefused">TCP connections closed at once because their namespace had as many open as allowed.</param>
public sealed record DnsStatistics(long Answered, long Forwarded, long ForwardFailures, long Overloaded, long Rejected, long Dropped, long TcpRefused);

/// <summary>The counters behind <see cref="DnsStatistics"/>: incremented from the UDP loop, TCP connections and forwards.</summary>
internal sealed class DnsCounters
{
    private long _answered, _forwarded, _forwardFailures, _overloaded, _rejected, _dropped, _tcpRefused;

    public void Answered() => Interlocked.Increment(ref _answered);
    public void Forwarded() => Interlocked.Increment(ref _forwarded);
    public void ForwardFailed() => Interlocked.Increment(ref _forwardFailures);
    public void Overloaded() => Interlocked.Increment(ref _overloaded);
    public void Rejected() => Interlocked.Increment(ref _rejected);
    public void Dropped() => Interlocked.Increment(ref _dropped);
    public void TcpRefused() => Interlocked.Increment(ref _tcpRefused);

    public DnsStatistics Snapshot() => new(
        Interlocked.Read(ref _answered), Interlocked.Read(ref _forwarded), Interlocked.Read(ref _forwardFailures),
        Interlocked.Read(ref _overloaded), Interlocked.Read(ref _rejected), Interlocked.Read(ref _dropped), Interlocked.Read(ref _tcpRefused));
}
