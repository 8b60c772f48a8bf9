using System.Text;
using System.Text.RegularExpressions;
using Topo.Scenarios.Support;

namespace Topo.Scenarios.Host;

/// <summary>
/// Crash consistency (docs/crash-safety.md): `topo apply` killed with SIGKILL right after any
/// step (TOPO_FAILPOINT_KILL_AFTER_STEP) leaves nothing the next `topo apply` cannot recognise
/// and finish: it converges, and the host then holds exactly what an uninterrupted apply leaves —
/// no leaked link, namespace, address, route, nftables rule or file, no address held twice.
/// </summary>
public sealed partial class CrashScenarioTests
{
    /// <summary>The WordPress example, one more network (front, with a container of its own) and published ports: the firewall too.</summary>
    internal const string WordpressPlusFront = """
        version: 1
        name: wordpress
        networks:
          internal:
            subnet: 192.168.1.0/24
            gateway: 192.168.1.1
            internal: true
          front:
            subnet: 10.30.0.0/24
        containers:
          mariadb:
            networks:
              internal:
                aliases: [db]
          wordpress:
            networks: [internal, front, bridge]
            ports:
              - "80:80"
          proxy:
            networks: [front]
            ports:
              - "8080:80"
        """;

    private static string Script(string name) => Repo.PathOf($"tests/Topo.Scenarios/Support/scripts/{name}");

    [Fact]
    public void Apply_killed_after_every_step_converges_on_the_next_apply_with_nothing_leaked()
    {
        var spec = TempSpec.Write(WordpressPlusFront);
        // Every trial runs in a sandbox of its own (nested unshare: a fresh host each time), two at
        // a time. Trial 0 is the reference: an apply nobody killed. Trial k+1 past the last step
        // must find no step to die at.
        var s = SandboxShell.Run($$"""
            trial() { unshare --net --mount --propagation private bash {{Script("crash-once.sh")}} "$1" {{spec}} > /run/trial.$1 2>&1; }
            export -f trial
            trial 0
            steps=$(sed -n 's/^apply 0 \([0-9]*\) steps$/\1/p' /run/trial.0)
            step reference cat /run/trial.0
            seq 1 $((steps + 1)) | xargs -P 2 -I K bash -c 'trial K'
            for k in $(seq 1 $((steps + 1))); do
              step k$k bash -c "sed '/^fingerprint$/q' /run/trial.$k; diff <(sed -n '/^fingerprint$/,\$p' /run/trial.0) <(sed -n '/^fingerprint$/,\$p' /run/trial.$k)"
            done
            """);
        var reference = s.Ok("reference").Output;
        Assert.Contains("plan 0", reference);
        var steps = int.Parse(StepsLine().Match(reference).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(steps >= 25, $"the example should take many steps; took {steps}:\n{reference}");
        Assert.DoesNotContain("DUPLICATE", reference);

        var failures = new StringBuilder();
        for (var k = 1; k <= steps + 1; k++)
        {
            var trial = s[$"k{k}"];
            var died = k <= steps ? "killed 137" : "killed 0"; // 128 + SIGKILL; past the last step nothing dies
            // From the first namespace on (step 2) the dead apply has an intent log, and the next
            // apply says what it removed: convergence comes from recovery, not from luck.
            var recovered = k is >= 2 && k <= steps ? !trial.Output.Contains("recovered 0", StringComparison.Ordinal) : trial.Output.Contains("recovered 0", StringComparison.Ordinal);
            if (trial.ExitCode != 0 || !trial.Output.Contains(died, StringComparison.Ordinal) || !recovered ||
                !trial.Output.Contains("\napply 0", StringComparison.Ordinal) || !trial.Output.Contains("\nplan 0", StringComparison.Ordinal))
            {
                failures.Append($"--- killed after step {k} of {steps} (expected '{died}', apply 0, recovery from step 2 on, plan 0, the reference's host):\n{trial.Output}\n");
            }
        }
        Assert.True(failures.Length == 0, failures.ToString());
    }

    [GeneratedRegex(@"apply 0 (\d+) steps")]
    private static partial Regex StepsLine();
}
