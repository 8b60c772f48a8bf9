namespace Topo.Core.Host;

/// <summary>
/// What an observation may take from the observer's previous reading instead of the kernel,
/// because it is known not to have changed since: verifying an apply under the same lock (what the
/// plan did not reach), or the watcher (what the kernel reported no change in). Everything not
/// named here is read.
/// </summary>
public sealed record KnownUnchanged
{
    /// <summary>Named namespaces whose last reading stands, as long as the name still leads to the namespace that was read.</summary>
    public Func<string, bool>? Namespaces { get; init; }

    /// <summary>Names whose /etc/netns files' last reading stands.</summary>
    public Func<string, bool>? Files { get; init; }

    /// <summary>
    /// When set, the host's links are not dumped: the links of these names are read again one by
    /// one, and every other host link keeps its last reading (the host's addresses and routes are
    /// dumped as always). A dump of the host's links costs the kernel a walk of its namespace ids
    /// for every veth: at 2,000 containers it was the longest part of verifying one more.
    /// </summary>
    public IReadOnlySet<string>? HostLinksToRead { get; init; }
}
