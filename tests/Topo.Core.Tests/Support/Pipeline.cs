using Topo.Core.Composition;
using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Resolution;
using Topo.Core.Spec;

namespace Topo.Core.Tests.Support;

/// <summary>Resolve + plan + (simulated) apply, failing the test with every diagnostic when a step fails.</summary>
internal static class Pipeline
{
    public static Topology Resolve(TopologyFile spec, HostState? observed = null)
    {
        var result = DesiredHost.Resolve(spec, observed ?? HostState.Empty);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Topology!;
    }

    public static Plan Plan(TopologyFile spec, HostState? observed = null)
    {
        var topology = Resolve(spec, observed);
        var result = Planner.Plan(spec.Name, topology.Desired, observed ?? HostState.Empty);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Plan!;
    }

    /// <summary>The host after applying <paramref name="spec"/> to <paramref name="observed"/>.</summary>
    public static HostState Converge(TopologyFile spec, HostState? observed = null)
    {
        var start = observed ?? HostState.Empty;
        return PlanSimulator.Apply(start, Plan(spec, start));
    }

    public static string Lines(Plan plan) =>
        string.Join("\n", plan.Actions.Select(a => $"{a.Symbol} {a.Subject.Display}"));
}
