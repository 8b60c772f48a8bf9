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
    public void Rolling_back_leaves_the_settings_of_an_interface_that_stays_to_whoever_set_them_since()
    {
        // shop uses the shared default bridge; another project publishes a port on 127.0.0.1 behind
        // it after shop's checkpoint (route_localnet=1 on topo0), then shop's apply is rolled back.
        var host = Pipeline.Converge(new SpecBuilder("shop").Container("web", "bridge").Build());
        var after = Pipeline.Converge(new SpecBuilder("shop").Container("web", "bridge").Container("cache", "bridge").Build(), host);
        after = Pipeline.Converge(new SpecBuilder("other").Publishing("x", "bridge", "127.0.0.1:8080:80").Build(), after);
        Assert.Contains(after.Sysctls, s => s.Name == "net.ipv4.conf.topo0.route_localnet" && s.Value == "1");

        var back = Checkpoint.RollBack("shop", host, after);

        Assert.True(back.Succeeded, string.Join("\n", back.Errors));
        Assert.DoesNotContain(back.Plan!.Actions, a => a.Subject is SysctlState);
        Assert.Contains(back.Plan.Actions, a => a.Kind == ActionKind.Delete && a.Subject is NamespaceState { Name: "cache" });
    }

    [Fact]
    public void A_bridge_a_rollback_makes_again_gets_its_settings_back()
    {
        var host = Pipeline.Converge(Before().Build());
        var after = Pipeline.Converge(new SpecBuilder("shop").Network("back", @internal: true).Container("db", "back").Build(), host);
        var front = host.Links.Single(l => l.Owner?.Network == "front" && l.Type == LinkKind.Bridge).Name;
        Assert.DoesNotContain(after.Links, l => l.Name == front);

        var back = Checkpoint.RollBack("shop", host, after);

        Assert.Contains(back.Plan!.Actions, a => a.Kind == ActionKind.Create && a.Subject is SysctlState s && s.Name == $"net.ipv6.conf.{front}.accept_ra");
        Assert.True(Pipeline.Plan(Before().Build(), PlanSimulator.Apply(after, back.Plan)).IsEmpty);
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
