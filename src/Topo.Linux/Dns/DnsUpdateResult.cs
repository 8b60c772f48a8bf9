using System.Collections.Immutable;

namespace Topo.Linux.Dns;

/// <summary>What one <see cref="EmbeddedDns.Update"/> did, in namespaces.</summary>
/// <param name="Started">Resolvers started (new namespaces).</param>
/// <param name="Changed">Resolvers whose answers were swapped in place (sockets kept).</param>
/// <param name="Unchanged">Resolvers left alone (same view, same namespace).</param>
/// <param name="Rebound">Resolvers whose namespace was replaced under the same name: sockets bound again in the new one.</param>
/// <param name="Stopped">Resolvers stopped (namespaces no longer in the views).</param>
/// <param name="Failed">Namespaces that could not be served, with the reason; the others are unaffected. Tried again on the next update.</param>
public sealed record DnsUpdateResult(int Started, int Changed, int Unchanged, int Rebound, int Stopped, ImmutableArray<DnsNamespaceFailure> Failed)
{
    public bool Succeeded => Failed.IsEmpty;
}

/// <summary>A namespace whose resolver could not be started or bound, and why.</summary>
public sealed record DnsNamespaceFailure(string Namespace, string Reason);
