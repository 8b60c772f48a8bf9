using Topo.Core.Firewall;
using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Spec;
using Topo.Core.Tests.Support;

namespace Topo.Core.Tests.Firewall;

/// <summary>Accepts in Docker's DOCKER-USER chain when the host has it (<see cref="DockerUser"/>).</summary>
public sealed class DockerUserTests
{
    private static TopologyFile Spec(string project) => new SpecBuilder(project).Network("back", @internal: true)
        .Container(project + "-web", "back", "bridge").Build();

    private static readonly HostState WithDocker = HostState.Empty with { DockerUserChain = true };

    private static List<string> DockerRules(HostState host) =>
        [.. host.Firewall.Where(DockerUser.Holds).Cast<FirewallRuleState>().Select(r => $"{r.Rule} # {r.Comment}").Order(StringComparer.Ordinal)];

    [Fact]
    public void With_docker_user_each_bridge_gets_an_accept_each_way_labelled_with_the_project()
    {
        var plan = Pipeline.Plan(Spec("shop"), WithDocker);
        var back = Pipeline.Resolve(Spec("shop")).FindNetwork("back")!.BridgeName;
        Assert.Equal(
            [
                $"iifname \"{back}\" accept # topo:shop:firewall:shop docker-user: forward from {back}",
                "iifname \"topo0\" accept # topo:shop:firewall:shop docker-user: forward from topo0",
                $"oifname \"{back}\" accept # topo:shop:firewall:shop docker-user: forward to {back}",
                "oifname \"topo0\" accept # topo:shop:firewall:shop docker-user: forward to topo0",
            ],
            [.. plan.Actions.Where(a => a.After is not null && DockerUser.Holds(a.After)).Cast<PlanAction>()
                .Select(a => (FirewallRuleState)a.After!).Select(r => $"{r.Rule} # {r.Comment}").Order(StringComparer.Ordinal)]);
        // The plan shows them as rules of Docker's chain.
        Assert.Contains(plan.Actions, a => a.Subject.Display.StartsWith("firewall rule ip filter DOCKER-USER", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_docker_user_there_are_none()
    {
        Assert.Empty(DockerRules(Pipeline.Converge(Spec("shop"))));
    }

    [Fact]
    public void Converged_is_empty_and_destroy_removes_exactly_the_projects_own()
    {
        var host = Pipeline.Converge(Spec("shop"), WithDocker) with { DockerUserChain = true };
        host = Pipeline.Converge(Spec("other"), host) with { DockerUserChain = true };
        Assert.Equal(8, DockerRules(host).Count);
        Assert.True(Pipeline.Plan(Spec("shop"), host).IsEmpty);

        // A snapshot (docs/state-json.md) has topo's rules but not the chain: they tell it is there.
        Assert.True(Pipeline.Plan(Spec("shop"), host with { DockerUserChain = false }).IsEmpty);

        var destroy = Planner.Plan("shop", HostState.Empty, host);
        Assert.True(destroy.Succeeded, string.Join("\n", destroy.Errors));
        var after = PlanSimulator.Apply(host, destroy.Plan!);
        Assert.Equal(4, DockerRules(after).Count);
        Assert.All(DockerRules(after), r => Assert.Contains("topo:other:", r, StringComparison.Ordinal));
    }
}
