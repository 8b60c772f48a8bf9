namespace Topo.Linux.Monitoring;

/// <summary>Settings of a <see cref="KernelMonitor"/>.</summary>
public sealed record KernelMonitorOptions
{
    /// <summary>Only nftables tables whose name starts with this are reported (topo's tables: "topo-").</summary>
    public string TablePrefix { get; init; } = "topo-";

    /// <summary>
    /// Also reported: Docker's <c>filter</c> table, where topo keeps accepts in DOCKER-USER. Docker
    /// (re)creating its chain — at its start, after topo's — is then a reason to look again, and the
    /// watcher puts topo's rules there. Empty: not reported.
    /// </summary>
    public string AlsoTable { get; init; } = Core.Firewall.DockerUser.Table;

    /// <summary>
    /// Also reported: chains and rules of every other table (not their sets and elements, which
    /// some managers change all the time). A forward chain of another firewall that appears or
    /// changes may drop topo's traffic: the watcher looks again, and its plan says so.
    /// </summary>
    public bool ForeignChainsAndRules { get; init; } = true;

    /// <summary>SO_RCVBUF(FORCE) of each socket. Too small and bursts overflow (reported as <see cref="KernelChangeKind.Overflow"/>).</summary>
    public int ReceiveBufferBytes { get; init; } = 4 << 20;

    /// <summary>
    /// Changes held for the reader. When the channel is full, further changes are dropped:
    /// each means only "look again", and the ones already queued make the watcher look again
    /// after the dropped ones happened.
    /// </summary>
    public int ChannelCapacity { get; init; } = 1024;
}
