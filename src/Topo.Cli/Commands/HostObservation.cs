using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Resolution;
using Topo.Core.Spec;

namespace Topo.Cli.Commands;

/// <summary>
/// Observes the host for planning <paramref name="spec"/>: which kernel settings matter is only
/// known once the file is resolved (route_localnet is per bridge), so they are read afterwards.
/// </summary>
internal static class HostObservation
{
    public static HostState For(IHostAccess host, TopologyFile? spec)
    {
        var observed = host.Observe(spec?.Name ?? "", Sysctls.Watched);
        if (spec is null) return WithBridgeSettings(host, observed);
        // Resolving is enough to know the settings (planning against them would be thrown away).
        var wanted = Resolver.Resolve(spec, observed).Topology?.Desired.Sysctls.Select(s => s.Name)
            .Where(k => !observed.Sysctls.Any(s => s.Name == k)).ToList();
        if (wanted is not { Count: > 0 }) return observed;
        return observed with { Sysctls = [.. observed.Sysctls, .. host.ReadSysctls(wanted)] };
    }

    /// <summary>Without a file (a snapshot of every project): the per-bridge settings of every topo bridge.</summary>
    private static HostState WithBridgeSettings(IHostAccess host, HostState observed)
    {
        var keys = observed.Links
            .Where(l => l.Namespace == HostState.Host && l.Type == LinkKind.Bridge && l.Owner is not null)
            .Select(l => Sysctls.RouteLocalnet(l.Name))
            .ToList();
        return keys.Count == 0 ? observed : observed with { Sysctls = [.. observed.Sysctls, .. host.ReadSysctls(keys)] };
    }
}
