namespace Topo.Cli;

/// <summary>
/// The kernel's change notifications, for the watcher: links, addresses and routes in the host
/// and the followed namespaces, and the project's nftables table. A change means "look again"
/// there: the watcher reads the namespaces it was told of, and reuses its last reading of the others.
/// </summary>
internal interface IChangeFeed : IDisposable
{
    /// <summary>One per change, ready to log (an overflow means events were lost: resync).</summary>
    IAsyncEnumerable<FeedChange> ReadAllAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Follows these named namespaces (besides the host); called after every reconcile. Returns
    /// those it follows: a namespace it could not (gone meanwhile) reports nothing, so it is read every round.
    /// </summary>
    IReadOnlySet<string> Follow(IReadOnlyCollection<string> namespaces);
}

/// <summary>One change the feed heard of.</summary>
/// <param name="Text">Log-ready: "link veth1a2b3c4 deleted (host)".</param>
/// <param name="Namespace">The named namespace it happened in; "" for the host (the firewall too); null when the kernel lost notifications and anything may have changed.</param>
internal sealed record FeedChange(string Text, string? Namespace)
{
    /// <summary>Of a change to a host link: its name (a host link change without one has a null <see cref="Namespace"/>: anything may have changed).</summary>
    public string? HostLink { get; init; }
}
