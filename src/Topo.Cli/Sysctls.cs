using Topo.Core.Resolution;

namespace Topo.Cli;

internal static class Sysctls
{
    /// <summary>
    /// The kernel settings topo may set, and so reads when it observes the host; and br_netfilter's
    /// switch, which decides whether traffic within a bridge passes other tables' ip hooks (read only).
    /// </summary>
    public static IReadOnlyCollection<string> Watched { get; } =
        [Topo.Core.Firewall.FirewallDesired.IpForwardSysctl, Topo.Core.Firewall.TrafficClasses.BridgeNetfilterSysctl,
         Topo.Core.Firewall.FirewallDesired.Ipv6ForwardSysctl];

    /// <summary>A bridge's own settings topo may set: route_localnet (ports published on 127.0.0.1), accept_ra (always off).</summary>
    public static IEnumerable<string> OfBridge(string bridge) => Topo.Core.Resolution.BridgeSysctls.Of(bridge);
}
