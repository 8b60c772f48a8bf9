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
    /// <summary>
    /// The topology and its kernel objects, without the layers derived from it (firewall, files):
    /// <see cref="Composition.DesiredHost.Resolve"/> adds those and is what commands call.
    /// </summary>
    public static ResolveResult ResolveTopology(TopologyFile spec, HostState observed, ResolveOptions? options = null)
    {
        var context = new ResolveContext(spec, observed, options ?? new ResolveOptions());
        var networks = ResolveNetworks(context);
        var containers = ResolveContainers(context, networks);
        if (context.Errors.Count > 0) return new ResolveResult(null, [.. context.Errors]);
        var desired = BuildDesired(context, networks, containers);
        CheckInterfaceNamesUnique(context, desired);
        if (context.Errors.Count > 0) return new ResolveResult(null, [.. context.Errors]);
        return new ResolveResult(new Topology(spec.Name, networks, containers, desired) { UplinkBridges = UplinkBridges(observed) }, []);
    }

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
