using System.Text;
using System.Text.RegularExpressions;
using Topo.Scenarios.Support;

namespace Topo.Scenarios.Host;

/// <summary>
/// Crash consistency (docs/crash-safety.md): `topo apply` (or `topo destroy`) killed with SIGKILL
/// right after any step (TOPO_FAILPOINT_KILL_AFTER_STEP) leaves nothing the next run cannot
/// recognise and finish: it converges, and the host then holds exactly what an uninterrupted run
/// leaves — no leaked link, namespace, address, route, nftables rule or file, no address held twice.
/// </summary>
public sealed class CrashScenarioTests
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
    public void Apply_killed_after_every_step_converges_on_the_next_apply_with_nothing_leaked() => Walk("apply", minimumSteps: 25);

    /// <summary>The same for destroy, from the example applied: the next destroy removes everything, and the host is as it was before any apply.</summary>
    [Fact]
    public void Destroy_killed_after_every_step_is_finished_by_the_next_destroy() => Walk("destroy", minimumSteps: 5);

    private static void Walk(string verb, int minimumSteps)
    {
        var spec = TempSpec.Write(WordpressPlusFront);
        // Every trial runs in a sandbox of its own (nested unshare: a fresh host each time), two at
        // a time. Trial 0 is the reference: a run nobody killed. Trial k+1 past the last step
        // must find no step to die at. Each trial says when it is done: the walk takes as long
        // as the machine needs (2-3 minutes alone, past 12 under load), and only a trial that
        // hangs (4 minutes without a word) stops it.
        var s = SandboxShell.Run($$"""
            trial() { unshare --net --mount --propagation private bash {{Script("crash-once.sh")}} "$1" {{spec}} {{verb}} > /run/trial.$1 2>&1; echo "trial $1 done"; }
            export -f trial
            trial 0
            steps=$(sed -n 's/^{{verb}} 0 \([0-9]*\) steps$/\1/p' /run/trial.0)
            step reference cat /run/trial.0
            seq 1 $((steps + 1)) | xargs -P 2 -I K bash -c 'trial K'
            for k in $(seq 1 $((steps + 1))); do
              step k$k bash -c "sed '/^fingerprint$/q' /run/trial.$k; diff <(sed -n '/^fingerprint$/,\$p' /run/trial.0) <(sed -n '/^fingerprint$/,\$p' /run/trial.$k)"
            done
            """);
        var reference = s.Ok("reference").Output;
        Assert.Contains("again 0", reference);
        var steps = int.Parse(Regex.Match(reference, $@"{verb} 0 (\d+) steps").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(steps >= minimumSteps, $"the example should take many steps; took {steps}:\n{reference}");
        Assert.DoesNotContain("DUPLICATE", reference);

        var failures = new StringBuilder();
        for (var k = 1; k <= steps + 1; k++)
        {
            var trial = s[$"k{k}"];
            var died = k <= steps ? "killed 137" : "killed 0"; // 128 + SIGKILL; past the last step nothing dies
            // From the first namespace on (step 2) a dead apply has an intent log, and the next
            // apply says what it removed: convergence comes from recovery, not from luck.
            var recovered = verb != "apply" || (k >= 2 && k <= steps
                ? !trial.Output.Contains("recovered 0", StringComparison.Ordinal)
                : trial.Output.Contains("recovered 0", StringComparison.Ordinal));
            if (trial.ExitCode != 0 || !trial.Output.Contains(died, StringComparison.Ordinal) || !recovered ||
                !trial.Output.Contains($"\n{verb} 0", StringComparison.Ordinal) || !trial.Output.Contains("\nagain 0", StringComparison.Ordinal))
            {
                failures.Append($"--- {verb} killed after step {k} of {steps} (expected '{died}', {verb} 0, recovery, again 0, the reference's host):\n{trial.Output}\n");
            }
        }
        Assert.True(failures.Length == 0, failures.ToString());
    }
}
