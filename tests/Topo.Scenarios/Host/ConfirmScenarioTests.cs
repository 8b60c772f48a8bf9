using Topo.Scenarios.Support;

namespace Topo.Scenarios.Host;

/// <summary>
/// `topo apply --confirm`: the changes stay only if confirmed in time; else the host goes back to
/// what `topo state` showed before, also when the applying process was killed meanwhile.
/// </summary>
public sealed class ConfirmScenarioTests
{
    private const string Before = """
        version: 1
        name: shop
        networks:
          front: {subnet: 10.70.1.0/24}
          back: {subnet: 10.70.2.0/24, internal: true}
        containers:
          web: {networks: [front, back], ports: ["8080:80"]}
          db: {networks: [back]}
        """;

    // A container more, one less, one network more, an address and a port changed.
    private const string After = """
        version: 1
        name: shop
        networks:
          front: {subnet: 10.70.1.0/24}
          back: {subnet: 10.70.2.0/24, internal: true}
          cache: {subnet: 10.70.3.0/24}
        containers:
          web: {networks: [front, cache], ports: ["9090:80"]}
          redis: {networks: [cache]}
        """;

    private static string Script(string body) => $$"""
        W=$(mktemp -d)
        cat > $W/before.yaml <<'YAML'
        {{Before}}
        YAML
        cat > $W/after.yaml <<'YAML'
        {{After}}
        YAML
        pending() { for _ in $(seq 100); do [ -e /run/topo/confirm/shop.json ] && return 0; sleep 0.1; done; return 1; }
        # Applied and waiting (a kill before that is a crash mid-apply: see CrashScenarioTests).
        waiting() { for _ in $(seq 200); do grep -q 'Keep these changes' $W/apply.log 2>/dev/null && return 0; sleep 0.1; done; return 1; }
        $TOPO apply $W/before.yaml > /dev/null
        $TOPO state > $W/state-before.json
        {{body}}
        rm -rf $W
        """;

    [Fact]
    public void Without_a_confirmation_the_host_goes_back_to_exactly_what_it_was()
    {
        var s = SandboxShell.Run(Script("""
            step unconfirmed $TOPO apply $W/after.yaml --confirm 2s < /dev/null
            $TOPO state > $W/state-after.json
            step same diff $W/state-before.json $W/state-after.json
            step converged $TOPO plan $W/before.yaml --detailed-exitcode
            step nothing_pending sh -c "ls /run/topo/confirm | wc -l"
            """));
        var run = s["unconfirmed"];
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Apply complete!", run.Output);
        Assert.Contains("Not confirmed by", run.Output);
        Assert.Contains("Roll back complete!", run.Output);
        s.Ok("same");
        s.Ok("converged");
        Assert.Equal("0", s.Ok("nothing_pending").Output.Trim());
    }

    [Fact]
    public void A_damaged_pending_confirmation_is_named_with_the_way_on_and_changes_nothing()
    {
        var s = SandboxShell.Run(Script("""
            mkdir -p /run/topo/confirm
            echo '{"project": "shop", "deadl' > /run/topo/confirm/shop.json
            step status $TOPO status
            step confirm $TOPO confirm $W/before.yaml
            $TOPO state > $W/state-after.json
            step same diff $W/state-before.json $W/state-after.json
            """));
        foreach (var name in new[] { "status", "confirm" })
        {
            Assert.Equal(1, s[name].ExitCode);
            Assert.Contains("/run/topo/confirm/shop.json: not a pending confirmation topo can read", s[name].Output);
            Assert.Contains("remove it to go on without its rollback", s[name].Output);
        }
        s.Ok("same");
    }

    [Fact]
    public void Confirmed_from_another_shell_the_changes_stay_and_status_shows_the_wait()
    {
        var s = SandboxShell.Run(Script("""
            ($TOPO apply $W/after.yaml --confirm 60s < /dev/null > $W/apply.log 2>&1; echo $? > $W/apply.rc) &
            pending
            step status $TOPO status
            step again $TOPO apply $W/before.yaml
            step confirm $TOPO confirm $W/after.yaml
            wait
            step rc cat $W/apply.rc
            step log cat $W/apply.log
            step converged $TOPO plan $W/after.yaml --detailed-exitcode
            step twice $TOPO confirm $W/after.yaml
            """));
        Assert.Contains("confirmation   project shop", s["status"].Output);
        Assert.Equal(1, s["again"].ExitCode); // nothing else changes the project while it waits
        Assert.Contains("waits for confirmation until", s["again"].Output);
        Assert.Contains("Confirmed", s.Ok("confirm").Output);
        Assert.Equal("0", s.Ok("rc").Output.Trim());
        Assert.Contains("Confirmed: the changes stay.", s.Ok("log").Output);
        s.Ok("converged");
        Assert.Equal(1, s["twice"].ExitCode);
    }

    [Fact]
    public void A_killed_apply_is_rolled_back_by_the_next_topo_command_after_its_deadline()
    {
        var s = SandboxShell.Run(Script("""
            # 10 s: "early" must start and observe within it even on a loaded machine.
            $TOPO apply $W/after.yaml --confirm 10s < /dev/null > $W/apply.log 2>&1 & pid=$!
            waiting
            kill -9 $pid; wait $pid
            step early $TOPO apply $W/after.yaml
            # Past the deadline the refusal names (to the second), however long the apply took.
            deadline=$($TOPO apply $W/after.yaml 2>&1 | sed -n 's/.*waits for confirmation until \([0-9-]* [0-9:]*\):.*/\1/p')
            [ -n "$deadline" ] || echo "test: no deadline in the refusal"
            while [ "$(date +%s)" -le "$(date -d "$deadline" +%s)" ]; do sleep 0.2; done
            step late $TOPO apply $W/before.yaml
            $TOPO state > $W/state-after.json
            step same diff $W/state-before.json $W/state-after.json
            step nothing_pending sh -c "ls /run/topo/confirm | wc -l"
            """));
        Assert.Equal(1, s["early"].ExitCode); // still within its time: it may yet be confirmed
        var late = s.Ok("late");
        Assert.Contains("was not confirmed by", late.Output);
        Assert.Contains("Roll back complete!", late.Output);
        Assert.Contains("No changes.", late.Output); // back where the file says
        s.Ok("same");
        Assert.Equal("0", s.Ok("nothing_pending").Output.Trim());
    }

    [Fact]
    public void A_watcher_rolls_back_an_abandoned_apply_of_another_project()
    {
        var s = SandboxShell.Run(Script("""
            printf 'version: 1\nname: edge\nnetworks:\n  lan: {subnet: 10.71.0.0/24}\ncontainers:\n  probe: {networks: [lan]}\n' > $W/edge.yaml
            $TOPO watch $W/edge.yaml --resync 1 > $W/watch.log 2>&1 & watcher=$!
            $TOPO apply $W/after.yaml --confirm 2s < /dev/null > $W/apply.log 2>&1 & pid=$!
            waiting
            kill -9 $pid; wait $pid
            step rolled sh -c "for _ in \$(seq 150); do grep -q 'was not confirmed' $W/watch.log && exit 0; sleep 0.1; done; exit 1"
            kill -TERM $watcher; wait $watcher
            $TOPO state > $W/state-after.json
            step shop_back sh -c "python3 -c 'import json,sys; print(json.dumps([r for k in (\"namespaces\",\"links\",\"addresses\") for r in json.load(open(sys.argv[1])).get(k, []) if \"shop\" in r.get(\"label\", \"\")], sort_keys=True))' $W/state-before.json > $W/a; python3 -c 'import json,sys; print(json.dumps([r for k in (\"namespaces\",\"links\",\"addresses\") for r in json.load(open(sys.argv[1])).get(k, []) if \"shop\" in r.get(\"label\", \"\")], sort_keys=True))' $W/state-after.json > $W/b; diff $W/a $W/b"
            step converged $TOPO plan $W/before.yaml --detailed-exitcode
            step log cat $W/watch.log
            """));
        s.Ok("rolled");
        Assert.Matches(@"the apply of .*after\.yaml \(project 'shop'\) was not confirmed by .*: rolled back", s.Ok("log").Output);
        s.Ok("shop_back");
        s.Ok("converged");
    }
}
