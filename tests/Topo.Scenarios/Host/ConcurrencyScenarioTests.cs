using Topo.Scenarios.Support;

namespace Topo.Scenarios.Host;

/// <summary>
/// Two `topo apply` at once (docs/crash-safety.md): one host-wide apply lock, taken before
/// observing and held until verified, so their steps never interleave. The first is held mid-apply
/// (TOPO_FAILPOINT_PAUSE_AFTER_STEP: it waits after a step, lock held, until the test lets it go);
/// the second says it waits and for whom, changes nothing meanwhile, then runs; both converge.
/// </summary>
public sealed class ConcurrencyScenarioTests
{
    private static string Example(string name) => Repo.PathOf($"examples/{name}.yaml");

    private static string Script(string name) => Repo.PathOf($"tests/Topo.Scenarios/Support/scripts/{name}");

    /// <summary>First apply (held after step 10) and second apply in the background; what each printed and when the second got the lock.</summary>
    private static string Overlap(string first, string second) => $$"""
        until_true() { for _ in $(seq 1 1200); do eval "$1" && return 0; sleep 0.05; done; echo "timed out: $1"; return 1; }
        TOPO_FAILPOINT_PAUSE_AFTER_STEP=10 TOPO_FAILPOINT_PAUSE_FILE=/run/paused $TOPO apply {{first}} > /run/first 2>&1 &
        first=$!
        until_true '[ -e /run/paused ]'
        $TOPO apply {{second}} > /run/second 2>&1 &
        second=$!
        until_true 'grep -q "waiting for it to finish" /run/second'
        step while_held bash -c "echo first=$first; cat /run/second; ip netns list; ip -br link show type bridge"
        rm /run/paused
        wait $first; echo $? > /run/first.rc
        wait $second; echo $? > /run/second.rc
        step first bash -c "cat /run/first; exit \$(cat /run/first.rc)"
        step second bash -c "cat /run/second; exit \$(cat /run/second.rc)"
        """;

    [Fact]
    public void Two_projects_applied_at_once_take_turns_and_both_converge()
    {
        var wordpress = TempSpec.Write(CrashScenarioTests.WordpressPlusFront);
        var icc = Example("icc-disabled"); // another project, on the shared default bridge too
        var s = SandboxShell.Run(Overlap(wordpress, icc) + $"""

            step plan_wordpress $TOPO plan {wordpress} --detailed-exitcode
            step plan_icc $TOPO plan {icc} --detailed-exitcode
            step fingerprint python3 {Script("host-fingerprint.py")} /run/first /run/second /run/paused /run/first.rc /run/second.rc
            """);

        var held = s.Ok("while_held").Output;
        var pid = held.Split('\n')[0]["first=".Length..];
        Assert.Contains($"another topo apply (pid {pid}) holds the apply lock /run/topo.lock: waiting for it to finish", held);
        // While the first was held after its step 10, the second had changed nothing: the first's
        // namespaces were there, none of the second's (centos1, centos2).
        Assert.Contains("mariadb", held);
        Assert.DoesNotContain("centos", held);
        Assert.DoesNotContain("Apply complete!", held);
        Assert.Contains("Apply complete!", s.Ok("first").Output);
        Assert.Contains("Apply complete!", s.Ok("second").Output);
        s.Ok("plan_wordpress");
        s.Ok("plan_icc");
        Assert.DoesNotContain("DUPLICATE", s.Ok("fingerprint").Output); // the shared bridge's addresses were handed out once each
    }

    [Fact]
    public void The_same_project_applied_twice_at_once_runs_once_and_the_second_finds_nothing_to_do()
    {
        var wordpress = TempSpec.Write(CrashScenarioTests.WordpressPlusFront);
        var s = SandboxShell.Run(Overlap(wordpress, wordpress) + $"""

            step plan $TOPO plan {wordpress} --detailed-exitcode
            """);

        var held = s.Ok("while_held").Output;
        Assert.Contains("holds the apply lock /run/topo.lock: waiting for it to finish", held);
        Assert.Contains("Apply complete!", s.Ok("first").Output);
        // It planned only once the first had finished: against a converged host.
        Assert.Contains("No changes. The host matches the topology.", s.Ok("second").Output);
        s.Ok("plan");
    }
}
