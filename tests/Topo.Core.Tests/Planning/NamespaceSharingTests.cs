using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Spec;
using Topo.Core.Tests.Support;

namespace Topo.Core.Tests.Planning;

/// <summary>
/// A container moving between a namespace of its own and <c>container:NAME</c> mode: its name
/// must lead to a different namespace afterwards, which only a re-created name gives.
/// </summary>
public sealed class NamespaceSharingTests
{
    private static SpecBuilder Shared() => new SpecBuilder("m").Network("front", "10.1.0.0/24")
        .Container("web", "front").Mode("side", NetworkModeKind.Container, "web");

    private static SpecBuilder Separate() => new SpecBuilder("m").Network("front", "10.1.0.0/24")
        .Mode("web", NetworkModeKind.None).Container("side", "front");

    [Fact]
    public void Leaving_container_mode_replaces_the_shared_name_with_a_namespace_of_its_own()
    {
        var plan = Pipeline.Plan(Separate().Build(), Pipeline.Converge(Shared().Build()));
        var side = Assert.Single(plan.Actions, a => a.Subject is NamespaceState { Name: "side" });
        Assert.Equal(ActionKind.Replace, side.Kind);
        Assert.Contains(side.Changes, c => c is { Attribute.Kind: AttributeKind.Shares, Before: "web", ForcesReplace: true });
        Assert.Null(((NamespaceState)side.After!).SharesWith);
        // web keeps its namespace (and label); only its interface on front goes.
        Assert.DoesNotContain(plan.Actions, a => a.Subject is NamespaceState { Name: "web" });
        // side's own interface is made in its new namespace.
        Assert.Contains(plan.Actions, a => a is { Kind: ActionKind.Create, After: AddressState { Namespace: "side" } });
        var converged = Pipeline.Converge(Separate().Build(), Pipeline.Converge(Shared().Build()));
        Assert.True(Pipeline.Plan(Separate().Build(), converged).IsEmpty);
    }

    [Fact]
    public void Entering_container_mode_replaces_the_own_namespace_with_the_shared_name()
    {
        var plan = Pipeline.Plan(Shared().Build(), Pipeline.Converge(Separate().Build()));
        var side = Assert.Single(plan.Actions, a => a.Subject is NamespaceState { Name: "side" });
        Assert.Equal(ActionKind.Replace, side.Kind);
        Assert.Contains(side.Changes, c => c is { Attribute.Kind: AttributeKind.Shares, After: "web", ForcesReplace: true });
        // side's old interface goes with its namespace: nothing of it is deleted or created again.
        Assert.DoesNotContain(plan.Actions, a => a.Kind != ActionKind.Delete && a.Subject is LinkState { Namespace: "side" });
        Assert.Contains(plan.Actions, a => a is { Kind: ActionKind.Create, After: AddressState { Namespace: "web" } });
    }
}
