using System.Collections.Immutable;
using Topo.Core.Model;
using Topo.Core.Spec;

namespace Topo.Core.Resolution;

/// <summary>
/// Spec + Observed → Desired: a pure function. Observed is read only for stability (a subnet or
/// address already in use keeps its place) and to steer clear of what others use on the host.
/// </summary>
public static partial class Resolver
{
    public static ResolveResult Resolve(TopologyFile spec, HostState observed, ResolveOptions? options = null)
    {
        var context = new ResolveContext(spec, observed, options ?? new ResolveOptions());
        var networks = ResolveNetworks(context);
        var containers = ResolveContainers(context, networks);
        if (context.Errors.Count > 0) return new ResolveResult(null, [.. context.Errors]);
        var desired = BuildDesired(context, networks, containers);
        CheckInterfaceNamesUnique(context, desired);
        if (context.Errors.Count > 0) return new ResolveResult(null, [.. context.Errors]);
        var topology = new Topology(spec.Name, networks, containers, desired) { UplinkBridges = UplinkBridges(observed), DockerUser = HasDockerUser(observed) };
        topology = topology with { Desired = WithFirewall(topology) };
        return new ResolveResult(topology with { Desired = WithNamespaceFiles(topology, observed.HostResolvConf) }, []);
    }

    /// <summary>
    /// Docker's chain is there: observed as such, or known from topo's own rules in it (a state
    /// snapshot, docs/state-json.md, carries the rules but not the chain).
    /// </summary>
    private static bool HasDockerUser(HostState observed) =>
        observed.DockerUserChain || observed.Firewall.Any(Firewall.DockerUser.Holds);

    /// <summary>What one resolution works on, and the errors it collects (all of them, not the first).</summary>
    private sealed class ResolveContext(TopologyFile spec, HostState observed, ResolveOptions options)
    {
        public TopologyFile Spec { get; } = spec;
        public HostState Observed { get; } = observed;
        public ResolveOptions Options { get; } = options;
        public string Project => Spec.Name;
        public List<Diagnostic> Errors { get; } = [];

        public void Error(SourceSpan span, string message) => Errors.Add(Diagnostic.Error(span, message));

        public bool IsOurs(Resource r) => r.Owner is { } l && (l.Project == Project || l.IsShared);
    }
}
