using System.Collections.Immutable;
using Topo.Core.Composition;
using Topo.Core.Model;
using Topo.Core.Resolution;
using Topo.Core.Spec;

namespace Topo.Core.Planning;

/// <summary>What planning a file against a host gave: the resolved topology and plan, or every error.</summary>
/// <param name="Errors">Every diagnostic, warnings too: a plan comes with warnings, never with an error.</param>
public sealed record PlanOutcome(Topology? Topology, Plan? Plan, ImmutableArray<Diagnostic> Errors)
{
    public bool Succeeded => Plan is not null && !Errors.Any(e => e.Severity == Severity.Error);
}

/// <summary>Spec + Observed → resolve → plan: the one path every command (plan, apply, watch) takes.</summary>
public static class PlanBuilder
{
    public static PlanOutcome Build(TopologyFile spec, HostState observed, ResolveOptions? options = null)
    {
        var resolved = DesiredHost.Resolve(spec, observed, options);
        if (!resolved.Succeeded) return new PlanOutcome(null, null, resolved.Errors);
        var planned = Planner.Plan(spec.Name, resolved.Topology!.Desired, observed);
        // Another table's drop would leave the plan "done" and the traffic dropped: an error, or a
        // warning that comes with the plan when only IPv6 traffic meets it.
        var dropped = Firewall.ForeignDrops.Check(resolved.Topology, observed);
        if (dropped.Any(d => d.Severity == Severity.Error)) return new PlanOutcome(resolved.Topology, null, [.. planned.Errors, .. dropped]);
        return new PlanOutcome(resolved.Topology, planned.Plan, [.. planned.Errors, .. dropped]);
    }

    /// <summary>
    /// The host as it would be once converged on <paramref name="baseSpec"/>, imagined from an
    /// empty one: the starting point of <c>topo plan --against BASE.yaml</c>.
    /// </summary>
    public static PlanOutcome Imagine(TopologyFile baseSpec) =>
        Build(baseSpec, HostState.Empty, new ResolveOptions { AssumeParentsExist = true });
}
