using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Topo.Core.Dns;
using Topo.Linux.Namespaces;

namespace Topo.Linux.Dns;

/// <summary>
/// The embedded DNS server: answers at 127.0.0.11:53 (UDP and TCP) inside every container
/// namespace it is given a <see cref="DnsView"/> for, and forwards what it does not know to the
/// host's upstream servers.
/// </summary>
public sealed class EmbeddedDns : IDisposable
{
    private readonly NamespaceStore _store;
    private readonly ILogger _log;

    public EmbeddedDns(NamespaceStore store, EmbeddedDnsOptions options, ILogger? log = null)
    {
        _store = store;
        Options = options;
        _log = log ?? NullLogger.Instance;
    }

    public EmbeddedDnsOptions Options { get; }

    /// <summary>
    /// Makes the running resolvers match <paramref name="views"/>: starts resolvers for new
    /// namespaces, swaps the answers of changed ones in place (no socket closed: no query lost),
    /// stops removed ones; a namespace whose identity (nsfs device/inode) changed since its sockets
    /// were bound is bound again. Never throws for one bad namespace: it is reported in the result.
    /// </summary>
    public DnsUpdateResult Update(IReadOnlyList<DnsView> views)
    {
        _ = _store;
        _ = _log;
        return new DnsUpdateResult(0, 0, 0, 0, 0, [.. views.Select(v => new DnsNamespaceFailure(v.Namespace, "not implemented yet"))]);
    }

    public void Dispose()
    {
    }
}
