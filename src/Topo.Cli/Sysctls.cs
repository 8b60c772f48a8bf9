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
}
