using Topo.Core.Spec;

namespace Topo.Core.Resolution;

/// <summary>Where a container's published ports arrive: decided once, read by the veth's hairpin flag and the firewall.</summary>
public static class PublishEndpoints
{
    /// <summary>
    /// The endpoint a container's published ports forward to: the one that gives it its default
    /// route if that is a non-internal bridge, else its first on a non-internal bridge (Docker
    /// publishes on the gateway endpoint); null when it has none (host mode, macvlan only).
    /// </summary>
    public static (ResolvedEndpoint Endpoint, ResolvedNetwork Network)? PublishEndpoint(
        this ResolvedContainer container, Func<string, ResolvedNetwork?> network)
    {
        (ResolvedEndpoint, ResolvedNetwork)? first = null;
        foreach (var e in container.Endpoints)
        {
            if (network(e.Network) is not { Driver: NetworkDriver.Bridge, Internal: false, BridgeName: not null } n) continue;
            if (e.DefaultRoute) return (e, n);
            first ??= (e, n);
        }
        return first;
    }
}
