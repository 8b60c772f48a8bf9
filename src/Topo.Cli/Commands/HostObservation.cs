using Topo.Core.Host;
using Topo.Core.Model;
using Topo.Core.Resolution;
using Topo.Core.Spec;

namespace Topo.Cli.Commands;

/// <summary>
/// Observes the host for planning a file, in one pass: besides the global settings, the
/// per-bridge ones (route_localnet, accept_ra) of every bridge the file can use, named without resolving it.
/// </summary>
internal static class HostObservation
{
    /// <param name="known">What need not be read again (verifying an apply: what it did not reach); null: everything.</param>
    public static HostState For(IHostAccess host, TopologyFile? spec, KnownUnchanged? known = null)
    {
        if (spec is null) return WithBridgeSettings(host, host.Observe("", Sysctls.Watched, known));
        return host.Observe(spec.Name, [.. Sysctls.Watched, .. Naming.BridgeNamesOf(spec).SelectMany(BridgeSysctls.Of)], known);
    }

    /// <summary>Without a file (a snapshot of every project): the per-bridge settings of every topo bridge.</summary>
    private static HostState WithBridgeSettings(IHostAccess host, HostState observed)
    {
        var keys = observed.Links
            .Where(l => l.Namespace == HostState.Host && l.Type == LinkKind.Bridge && l.Owner is not null)
            .SelectMany(l => BridgeSysctls.Of(l.Name))
            .ToList();
        return keys.Count == 0 ? observed : observed with { Sysctls = [.. observed.Sysctls, .. host.ReadSysctls(keys)] };
    }
}
