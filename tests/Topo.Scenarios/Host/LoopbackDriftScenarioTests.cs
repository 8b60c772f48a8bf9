using Topo.Scenarios.Support;

namespace Topo.Scenarios.Host;

/// <summary>A container's lo is part of the topology: taken down by hand, the plan shows it and apply brings it back.</summary>
public sealed class LoopbackDriftScenarioTests
{
    [Fact]
    public void A_container_lo_taken_down_is_planned_and_brought_up_again()
    {
        var example = Repo.PathOf("examples/wordpress.yaml");
        var s = SandboxShell.Run($"""
            $TOPO apply {example} >/dev/null
            ip -n mariadb link set lo down
            step plan $TOPO plan {example} --detailed-exitcode
            step apply $TOPO apply {example}
            step lo ip -n mariadb -j link show lo
            step ping ip netns exec mariadb ping -c1 -W2 127.0.0.1
            step converged $TOPO plan {example} --detailed-exitcode
            """);
        var plan = s["plan"];
        Assert.Equal(2, plan.ExitCode);
        Assert.Contains("~ link mariadb/lo", plan.Output);
        Assert.Contains("Plan: 0 to add, 1 to change, 0 to destroy.", plan.Output);
        s.Ok("apply");
        Assert.Contains("\"UP\"", s.Ok("lo").Output);
        s.Ok("ping");
        s.Ok("converged");
    }
}
