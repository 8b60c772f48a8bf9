using System.Net;
using Topo.Linux.Namespaces;

namespace Topo.Linux.Dns;

/// <summary>Settings of the embedded resolver (<see cref="EmbeddedDns"/>). The defaults are what `topo watch` uses.</summary>
public sealed record EmbeddedDnsOptions
{
    /// <summary>Where each container namespace's resolver listens (UDP and TCP), inside that namespace.</summary>
    public IPAddress ListenAddress { get; init; } = IPAddress.Parse("127.0.0.11");

    public int Port { get; init; } = 53;

    /// <summary>The host's resolver configuration: its <c>nameserver</c> lines are the upstream servers. Watched; a change applies at once.</summary>
    public string ResolvConfPath { get; init; } = "/etc/resolv.conf";

    /// <summary>
    /// The namespace upstream servers are dialled from. Null: the process's own (the host's), so a
    /// local stub such as 127.0.0.53 keeps working. Tests point it at a sandbox's host namespace.
    /// Not owned: the caller keeps it open while the resolver runs.
    /// </summary>
    public NetNamespace? UpstreamNamespace { get; init; }

    /// <summary>How long one upstream server gets before the next one is asked (glibc and dig give up on us after 5 s).</summary>
    public TimeSpan ForwardTimeout { get; init; } = TimeSpan.FromMilliseconds(1500);

    /// <summary>The whole forward, every server included: below a client's own 5 s, so it gets SERVFAIL rather than silence.</summary>
    public TimeSpan ForwardBudget { get; init; } = TimeSpan.FromMilliseconds(4000);

    /// <summary>Forwards in flight across every namespace; a query beyond it gets SERVFAIL at once (counted).</summary>
    public int MaxForwardsInFlight { get; init; } = 256;

    /// <summary>Open TCP connections per namespace; a connection beyond it is closed at once.</summary>
    public int MaxTcpConnectionsPerNamespace { get; init; } = 32;

    /// <summary>A TCP connection with no complete query for this long is closed.</summary>
    public TimeSpan TcpIdleTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
