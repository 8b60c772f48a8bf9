using Topo.Core.Dns;

namespace Topo.Cli;

/// <summary>
/// The embedded DNS resolvers the watcher keeps in container namespaces (127.0.0.11:53 in each).
/// Linux behind it; fakes in tests.
/// </summary>
internal interface IEmbeddedResolver : IDisposable
{
    /// <summary>Makes the running resolvers match <paramref name="views"/>; unchanged namespaces keep their sockets.</summary>
    ResolverUpdate Update(IReadOnlyList<DnsView> views);
}

/// <summary>What one update did, in namespaces; <see cref="Failures"/> are tried again on the next update.</summary>
internal sealed record ResolverUpdate(int Started, int Changed, int Unchanged, int Rebound, int Stopped, IReadOnlyList<string> Failures)
{
    public bool Touched => Started + Changed + Rebound + Stopped > 0;
}
