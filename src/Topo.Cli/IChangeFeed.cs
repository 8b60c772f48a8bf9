namespace Topo.Cli;

/// <summary>
/// The kernel's change notifications, for the watcher: links, addresses and routes in the host
/// and the followed namespaces, and the project's nftables table. A change means "look again".
/// </summary>
internal interface IChangeFeed : IDisposable
{
    /// <summary>One line per change, ready to log (an overflow means events were lost: resync).</summary>
    IAsyncEnumerable<string> ReadAllAsync(CancellationToken cancellationToken);

    /// <summary>Follows exactly these named namespaces (besides the host); called after every reconcile.</summary>
    void Follow(IReadOnlyCollection<string> namespaces);
}
