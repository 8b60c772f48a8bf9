using System.Collections.Immutable;
using Topo.Core.Model;

namespace Topo.Core.Resolution;

public static partial class Resolver
{
    /// <summary>
    /// Bridges on the host, not topo's, that carry a route through a gateway in the main table:
    /// the host's way out is bridged (a bridge with the physical NIC in it, as on a host that also
    /// runs VMs). Isolation drops traffic from a network towards every other bridge — any kind
    /// "bridge", whoever made it — except these, or the containers could not reach the outside.
    /// </summary>
    private static ImmutableArray<string> UplinkBridges(HostState observed)
    {
        var bridges = observed.Links
            .Where(l => l.Namespace == HostState.Host && l.Type == LinkKind.Bridge && l.Owner is null)
            .Select(l => l.Name)
            .ToHashSet(StringComparer.Ordinal);
        return [.. observed.Routes
            .Where(r => r.Namespace == HostState.Host && r.Gateway is not null && r.Device is { } d && bridges.Contains(d))
            .Select(r => r.Device!)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];
    }
}
