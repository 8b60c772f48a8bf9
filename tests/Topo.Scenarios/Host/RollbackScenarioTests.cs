using System.Text;
using System.Text.RegularExpressions;
using Topo.Scenarios.Support;

namespace Topo.Scenarios.Host;

/// <summary>
/// Transactional apply (docs/crash-safety.md): a step that fails — any step, made to fail with
/// TOPO_FAILPOINT_FAIL_STEP — is reported with the original error, the steps before it are undone,
/// and `topo state` afterwards is byte-equal to `topo state` before. A rollback step that itself
/// fails (TOPO_FAILPOINT_FAIL_UNDO) is reported with what is left, and the next apply converges.
/// </summary>
public sealed partial class RollbackScenarioTests
{
    private static string Example(string name) => Repo.PathOf($"examples/{name}.yaml");

    [Fact]
    public void A_failure_at_any_step_of_a_change_leaves_the_host_byte_equal_to_before()
    {
        // From WordPress to WordPress plus a network: new namespace, bridge and veths, a veth
        // replaced (wordpress's default-bridge interface becomes eth2), hosts files rewritten,
        // firewall elements added and removed.
        var change = TempSpec.Write(CrashScenarioTests.WordpressPlusFront);
        var s = SandboxShell.Run($$"""
            $TOPO apply {{Example("wordpress")}} > /dev/null
            $TOPO state > /run/before.json
            k=0
            while [ $k -lt 100 ]; do
              k=$((k + 1))
              TOPO_FAILPOINT_FAIL_STEP=$k $TOPO apply {{change}} > /run/apply.$k 2>&1 && break
              $TOPO state > /run/after.$k
              step k$k bash -c "cat /run/apply.$k; cmp -s /run/before.json /run/after.$k && echo 'state: same bytes' || diff /run/before.json /run/after.$k"
            done
            step last echo $k
            step finished cat /run/apply.$k
            step replan $TOPO plan {{change}} --detailed-exitcode
            """);
        var last = int.Parse(s.Ok("last").Output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains("Apply complete!", s.Ok("finished").Output);
        s.Ok("replan");
        Assert.True(last > 15, $"the change should take many steps; the apply went through at k={last}");
        var failures = new StringBuilder();
        for (var k = 1; k < last; k++)
        {
            var output = s[$"k{k}"].Output;
            if (!output.Contains($"failure injected by TOPO_FAILPOINT_FAIL_STEP={k}", StringComparison.Ordinal) ||
                !output.Contains("state: same bytes", StringComparison.Ordinal) ||
                output.Contains("rollback failed", StringComparison.Ordinal) ||
                (k > 1 && !RolledBack().IsMatch(output)))
            {
                failures.Append($"--- step {k} failed:\n{output}\n");
            }
        }
        Assert.True(failures.Length == 0, failures.ToString());
    }

    [Fact]
    public void A_rollback_step_that_fails_is_reported_with_what_is_left_and_the_next_apply_converges()
    {
        // From nothing: step 1 turns on IP forwarding, 2-4 make the namespaces, 5-7 the bridges
        // (topo0 first); step 20 fails. The second time forwarding is on already: topo0 is step 4.
        var spec = TempSpec.Write(CrashScenarioTests.WordpressPlusFront);
        var s = SandboxShell.Run($"""
            step fail_ns env TOPO_FAILPOINT_FAIL_STEP=20 TOPO_FAILPOINT_FAIL_UNDO=2 $TOPO apply {spec}
            step left_ns ip netns list
            step apply_ns $TOPO apply {spec}
            step plan_ns $TOPO plan {spec} --detailed-exitcode
            step destroy $TOPO destroy {spec}
            step fail_bridge env TOPO_FAILPOINT_FAIL_STEP=20 TOPO_FAILPOINT_FAIL_UNDO=4 $TOPO apply {spec}
            step left_bridge ip -br link show type bridge
            step apply_bridge $TOPO apply {spec}
            step plan_bridge $TOPO plan {spec} --detailed-exitcode
            """);

        var failNs = s["fail_ns"];
        Assert.Equal(1, failNs.ExitCode);
        Assert.Contains("failure injected by TOPO_FAILPOINT_FAIL_STEP=20", failNs.Output); // the original error first
        Assert.Contains("rollback failed: undo of 'created namespace mariadb' (delete namespace mariadb) failed: failure injected by TOPO_FAILPOINT_FAIL_UNDO=2", failNs.Output);
        Assert.Contains("left on the host:", failNs.Output);
        Assert.Equal(["mariadb"], s.Ok("left_ns").Namespaces()); // exactly what the message says is left
        Assert.Contains("Apply complete!", s.Ok("apply_ns").Output);
        s.Ok("plan_ns");

        var failBridge = s["fail_bridge"];
        Assert.Equal(1, failBridge.ExitCode);
        Assert.Contains("rollback failed: undo of 'created link topo0' (delete link topo0) failed: failure injected by TOPO_FAILPOINT_FAIL_UNDO=4", failBridge.Output);
        Assert.Equal(["topo0"], s.Ok("left_bridge").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]).ToArray());
        Assert.Contains("Apply complete!", s.Ok("apply_bridge").Output);
        s.Ok("plan_bridge");
    }

    [GeneratedRegex(@"\d+ step\(s\) had been applied before it, and were rolled back:")]
    private static partial Regex RolledBack();
}
