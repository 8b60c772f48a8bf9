using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Tests.Support;

namespace Topo.Core.Tests.Planning;

/// <summary>Rolling back to a checkpoint (apply --confirm without a confirmation).</summary>
public sealed class CheckpointTests
{
    private static SpecBuilder Before() => new SpecBuilder("shop")
        .Network("front").Network("back", @internal: true)
        .Container("web", "front", "back").Container("db", "back");

    [Fact]
    public void Rolling_back_undoes_additions_removals_and_changes()
    {
        var host = Pipeline.Converge(Before().Build());
        // Another project's objects are not the checkpoint's business.
        host = Pipeline.Converge(new SpecBuilder("other").Network("lan").Container("x", "lan").Build(), host);
        var changed = new SpecBuilder("shop")
            .Network("front", mtu: 9000).Network("extra")
            .Container("web", "front", "extra").Container("cache", "extra").Build();
        var after = Pipeline.Converge(changed, host);

        var back = Checkpoint.RollBack("shop", host, after);
        Assert.True(back.Succeeded, string.Join("\n", back.Errors));
        Assert.NotEmpty(back.Plan!.Actions);
        Assert.DoesNotContain(back.Plan.Actions, a => a.Subject.Owner?.Project == "other");
        var restored = PlanSimulator.Apply(after, back.Plan);
        // The file from before is what the host matches again, and the other project is untouched.
        Assert.True(Pipeline.Plan(Before().Build(), restored).IsEmpty, Pipeline.Lines(Pipeline.Plan(Before().Build(), restored)));
        Assert.True(Pipeline.Plan(new SpecBuilder("other").Network("lan").Container("x", "lan").Build(), restored).IsEmpty);
        Assert.True(Checkpoint.RollBack("shop", host, restored).Plan!.IsEmpty);
    }

    [Fact]
    public void Rolling_back_a_first_apply_removes_everything_it_made()
    {
        var after = Pipeline.Converge(Before().Build());
        var back = Checkpoint.RollBack("shop", HostState.Empty, after);
        var restored = PlanSimulator.Apply(after, back.Plan!);
        Assert.DoesNotContain(restored.All(), r => r.Owner?.Project == "shop");
    }
}
