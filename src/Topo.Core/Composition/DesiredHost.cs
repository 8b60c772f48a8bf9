using Topo.Core.Dns;
using Topo.Core.Firewall;
using Topo.Core.Model;
using Topo.Core.Resolution;
using Topo.Core.Spec;

namespace Topo.Core.Composition;

/// <summary>
/// Spec + Observed → Desired, whole: resolution decides subnets, addresses, names and the kernel
/// objects; the layers derived from its topology then add theirs — the firewall, and each
/// container's /etc/netns files. Each layer reads the topology and none calls back into
/// resolution, so the dependencies run one way (Resolution ← Firewall, Dns ← Composition).
/// </summary>
public static class DesiredHost
{
    public static ResolveResult Resolve(TopologyFile spec, HostState observed, ResolveOptions? options = null)
    {
        var resolved = Resolver.ResolveTopology(spec, observed, options);
        if (!resolved.Succeeded) return resolved;
        var topology = resolved.Topology! with { DockerUser = FirewallDesired.DockerUserPresent(observed) };
        topology = topology with { Desired = FirewallDesired.Add(topology) };
        return resolved with { Topology = topology with { Desired = ContainerFiles.Add(topology, observed.HostResolvConf) } };
    }
}
