using Topo.Scenarios.Support;

namespace Topo.Scenarios.Host;

/// <summary>
/// `topo watch` for real, in a sandbox: it converges at start, follows the file, repairs what is
/// changed behind its back as soon as the kernel says so, survives a broken file, and stops on
/// SIGTERM leaving the topology in place. Checked with iproute2, nft and `topo plan`.
/// </summary>
public sealed class WatchScenarioTests : IDisposable
{
    private readonly string _dir = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "watch", Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => TestDirectory.Delete(_dir);

    /// <summary>
    /// Starts the watcher on $W/topo.yaml (a copy of <paramref name="example"/>) with a private
    /// run directory, and gives the script: <c>eventually CMD…</c> (retries for 10 s; TRIES=N for N tenths),
    /// <c>converged</c> (plan of $W/topo.yaml is empty) and <c>stop_watcher</c> (SIGTERM, its exit code).
    /// A long resync interval: every repair below must come from a kernel notification.
    /// </summary>
    private string Script(string example, string body) => $$"""
        W={{_dir}}
        mkdir -p $W/run && mount -t tmpfs topo-test $W/run
        export TOPO_RUN_DIR=$W/run
        cp {{Repo.PathOf($"examples/{example}.yaml")}} $W/topo.yaml
        eventually() { for _ in $(seq ${TRIES:-100}); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "never true: $*"; return 1; }
        converged() { $TOPO plan $W/topo.yaml --detailed-exitcode; }
        stop_watcher() { kill -TERM $watcher; wait $watcher; }
        $TOPO watch $W/topo.yaml --resync 3600 > $W/log 2>&1 & watcher=$!
        # The first round can wait on a machine busy with other tests; the steps below assume it ran.
        TRIES=300 eventually grep -q 'reconcile #1 ' $W/log || echo "test: no first reconcile after 30 s" >> $W/log
        {{body}}
        kill $watcher 2>/dev/null
        step log cat $W/log
        """;

    [Fact]
    public void Drift_reported_by_the_kernel_is_repaired_and_SIGTERM_leaves_the_topology()
    {
        var s = SandboxShell.Run(Script("wordpress", """
            step start converged
            veth=$(ip -j link show type veth | python3 -c 'import json,sys; print([l["ifname"] for l in json.load(sys.stdin) if l["ifname"].startswith("veth")][0])')
            ip link del $veth
            step veth eventually ip link show $veth
            ip -n wordpress addr del 192.168.1.3/24 dev eth0
            step address eventually sh -c 'ip -n wordpress -4 addr show eth0 | grep -q 192.168.1.3/24'
            ip -n wordpress route del default
            step route eventually sh -c 'ip -n wordpress route show default | grep -q "via 172.17.0.1"'
            nft delete table inet topo-wordpress
            step table eventually nft list table inet topo-wordpress
            nft flush ruleset
            step flushed eventually nft list table inet topo-wordpress
            step repaired converged
            step status $TOPO status $W/topo.yaml
            step stop stop_watcher
            step after converged
            step netns ip netns list
            """));
        s.Ok("start");
        s.Ok("veth");
        s.Ok("address");
        s.Ok("route");
        s.Ok("table");
        s.Ok("flushed");
        s.Ok("repaired");
        var log = s.Ok("log").Output;
        Assert.Contains("reconcile #1 (start): applied", log);
        Assert.Contains("(kernel: link veth", log);
        Assert.Contains("(kernel: nftables table topo-wordpress", log);
        var repairs = log.Split('\n').Count(l => l.Contains("): repaired: ", StringComparison.Ordinal));
        Assert.True(repairs >= 5, $"five hand-made changes, {repairs} repairs:\n{log}");
        var status = s.Ok("status").Output;
        Assert.Contains("watcher        running", status);
        Assert.Contains($"drift repairs  {repairs}", status);
        Assert.Contains("No changes. The host matches the topology.", status);
        s.Ok("stop"); // exit 0 on SIGTERM
        Assert.Contains("the topology stays in place", log);
        s.Ok("after");
        Assert.Equal(["mariadb", "wordpress"], s.Ok("netns").Namespaces());
    }

    [Fact]
    public void A_namespace_deleted_with_ip_netns_del_is_made_again()
    {
        // The watcher's own socket keeps the namespace alive: the kernel reports nothing, the name is gone.
        var s = SandboxShell.Run(Script("wordpress", """
            step start converged
            ip netns del mariadb
            TRIES=300 step back eventually ip -n mariadb -4 addr show eth0
            step repaired eventually converged
            step stop stop_watcher
            """));
        s.Ok("start");
        s.Ok("back");
        s.Ok("repaired");
        Assert.Contains("(kernel: namespace mariadb deleted)", s.Ok("log").Output);
        s.Ok("stop");
    }

    [Fact]
    public void A_changed_file_is_applied_and_a_broken_one_keeps_the_last_good_topology()
    {
        var s = SandboxShell.Run(Script("wordpress", """
            step start converged
            # An editor's save: a temporary file renamed over the original.
            sed 's/^containers:/containers:\n  cache: {networks: [internal]}/' $W/topo.yaml > $W/.topo.yaml.swp
            mv $W/.topo.yaml.swp $W/topo.yaml
            # Making a namespace waits on the kernel's namespace lock, which a busy machine (namespaces torn down
            # elsewhere) can hold for seconds: the first-round allowance, not the repair one.
            TRIES=300 step grown eventually ip netns exec cache true
            step grown_converged converged
            printf 'containers:\n  web: {networks: [nowhere]}\n' >> $W/topo.yaml
            step broken_logged eventually grep -q 'keeping the topology loaded at' $W/log
            step broken_status $TOPO status
            step kept ip netns list
            ip link del $(ip -j link show type veth | python3 -c 'import json,sys; print([l["ifname"] for l in json.load(sys.stdin) if l["ifname"].startswith("veth")][0])')
            step still_repairs eventually sh -c '[ $(ip -j link show type veth | python3 -c "import json,sys; print(len(json.load(sys.stdin)))") -ge 4 ]'
            kill -HUP $watcher
            # A round on a loaded machine (the repair above may still be running) can take many seconds.
            TRIES=600 step sighup eventually grep -q '(SIGHUP)' $W/log
            step stop stop_watcher
            """));
        s.Ok("start");
        s.Ok("grown");
        s.Ok("grown_converged");
        s.Ok("broken_logged");
        var log = s.Ok("log").Output;
        // Every error of the broken file, positioned, and nothing of it applied.
        Assert.Matches(@"topo\.yaml:\d+:\d+: error: duplicate key 'containers'", log);
        Assert.Equal(["cache", "mariadb", "wordpress"], s.Ok("kept").Namespaces());
        Assert.Contains("project        wordpress", s.Ok("broken_status").Output);
        s.Ok("still_repairs");
        s.Ok("sighup");
        s.Ok("stop");
    }

    [Fact]
    public void A_round_that_keeps_failing_is_retried_with_backoff_not_in_a_loop()
    {
        // A macvlan parent that is a bridge port: the kernel refuses (EBUSY) every time. Each
        // failed round's rollback is reported by the kernel; that must not start the next round.
        // The bridge network is made (and taken back) in every round: host links the kernel reports.
        var file = TempSpec.Write("""
            version: 1
            name: stuck
            networks:
              lan: {subnet: 10.60.0.0/24}
              ext: {driver: macvlan, parent: uplink0, subnet: 10.61.0.0/24}
            containers:
              c1: {networks: [lan, ext]}
            """);
        var s = SandboxShell.Run($$"""
            W={{_dir}}
            mkdir -p $W/run && mount -t tmpfs topo-test $W/run
            export TOPO_RUN_DIR=$W/run
            ip link add brx type bridge && ip link set uplink0 master brx
            $TOPO watch {{file}} --resync 3600 > $W/log 2>&1 & watcher=$!
            # Three rounds: the first and two retries (after 1 s and 2 s). A busy machine makes
            # each round slower, so the test waits for them instead of counting in a fixed window.
            step third sh -c "for _ in \$(seq 600); do grep -q 'reconcile #3 ' $W/log && exit 0; sleep 0.1; done; exit 1"
            kill -TERM $watcher; wait $watcher
            step netns ip netns list
            step log cat $W/log
            """);
        var log = s.Ok("log").Output;
        Assert.Contains("reconcile #1 (start): failed", log);
        s.Ok("third");
        // A loop would start the next round as soon as the last ended (its rollback's kernel
        // notifications); the backoff waits 1 s, then 2 s, between the end of one and the start of the next.
        var rounds = RoundTimes(log);
        Assert.True(rounds.Count >= 3, log);
        Assert.InRange((rounds[1].Start - rounds[0].End).TotalSeconds, 0.9, 30);
        Assert.InRange((rounds[2].Start - rounds[1].End).TotalSeconds, 1.9, 30);
        Assert.Empty(s.Ok("netns").Namespaces()); // every failed round rolled back
    }

    [Fact]
    public void A_broken_file_at_start_changes_nothing_and_a_second_watcher_is_refused()
    {
        var broken = TempSpec.Write("version: 1\nname: broken\nnetworks:\n  lan: {subnet: 10.0.0.0/33}\n");
        var s = SandboxShell.Run(Script("wordpress", $"""
            step second $TOPO watch $W/topo.yaml
            step broken $TOPO watch {broken}
            step netns ip netns list
            step stop stop_watcher
            mv $W/run/wordpress.json $W/run/kept.json
            step no_watcher $TOPO status
            """));
        var second = s["second"];
        Assert.Equal(1, second.ExitCode);
        Assert.Contains("project \"wordpress\" is already watched by the watcher with pid", second.Output);
        var first = s["broken"];
        Assert.Equal(1, first.ExitCode);
        Assert.Matches(@":4:\d+: error: .*10\.0\.0\.0/33", first.Output);
        Assert.Equal(["mariadb", "wordpress"], s.Ok("netns").Namespaces());
        s.Ok("stop");
        Assert.Equal(1, s["no_watcher"].ExitCode);
    }

    [Fact]
    public void Under_systemd_it_is_ready_only_after_the_first_reconcile_and_feeds_the_watchdog()
    {
        // systemd's notify protocol without systemd: a datagram socket in NOTIFY_SOCKET, and the
        // watcher as PID 1 of its own PID namespace (how .NET recognises a service in a container).
        // The socket lives in the sandbox's private /run: under the test folder its path can pass
        // the 108 bytes of sun_path (a longer checkout path), and the listener would never start.
        var s = SandboxShell.Run($$"""
            W={{_dir}}
            mkdir -p $W/run && mount -t tmpfs topo-test $W/run
            export TOPO_RUN_DIR=$W/run
            cp {{Repo.PathOf("examples/wordpress.yaml")}} $W/topo.yaml
            python3 -c '
            import glob, json, os, socket, sys
            s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); s.settimeout(90)
            open(sys.argv[1] + ".bound", "w").close()
            def rounds():
                # The status file, written before the round ends (the log is written in the background);
                # RUN/watch/, not RUN/networks/ (what inspect shows), which has a PROJECT.json too.
                for path in glob.glob(sys.argv[2] + "/**/watch/wordpress.json", recursive=True):
                    try: return json.load(open(path)).get("reconciles", 0)
                    except ValueError: pass
                return 0
            while True:
                note = s.recv(4096).decode().strip()
                print(note, "after-first-reconcile" if rounds() >= 1 else "before-first-reconcile", flush=True)
                if note == "STOPPING=1": break
            ' /run/notify $W/run > $W/notes &
            listener=$!
            until [ -e /run/notify.bound ] || ! kill -0 $listener 2>/dev/null; do sleep 0.05; done
            NOTIFY_SOCKET=/run/notify WATCHDOG_USEC=400000 unshare --pid --fork $TOPO watch $W/topo.yaml > $W/log 2>&1 &
            for _ in $(seq 600); do [ $(grep -c WATCHDOG=1 $W/notes) -ge 2 ] && break; sleep 0.1; done
            pkill -TERM -f "topo watch $W/topo.yaml"
            wait $listener
            step notes cat $W/notes
            step log cat $W/log
            """);
        var notes = s.Ok("notes").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("READY=1 after-first-reconcile", notes[0]);
        Assert.True(notes.Count(n => n.StartsWith("WATCHDOG=1", StringComparison.Ordinal)) >= 2, string.Join('\n', notes));
        Assert.StartsWith("STOPPING=1", notes[^1]);
        // The journal's format: a priority prefix on every line.
        Assert.StartsWith("<6>topo.watch", s.Ok("log").Output);
    }

    [Fact]
    public void SIGHUP_an_edit_and_SIGTERM_during_the_first_round_cut_nothing_in_half()
    {
        // First rounds long enough to be interrupted: 150 containers, then 150 more.
        static string Containers(int from, int to) => string.Join("\\n", Enumerable.Range(from, to - from + 1).Select(i => $"  c{i}: {{networks: [lan]}}"));
        var s = SandboxShell.Run($$"""
            W={{_dir}}
            mkdir -p $W/run && mount -t tmpfs topo-test $W/run
            export TOPO_RUN_DIR=$W/run
            head='version: 1\nname: big\nnetworks:\n  lan: {subnet: 10.50.0.0/16}\ncontainers:\n'
            printf "$head{{Containers(1, 150)}}\n" > $W/topo.yaml
            $TOPO watch $W/topo.yaml --resync 3600 > $W/log 2>&1 & watcher=$!
            until [ -s $W/log ]; do sleep 0.02; done   # loaded: the first round has begun
            kill -HUP $watcher
            printf '  extra: {networks: [lan]}\n' >> $W/topo.yaml
            step edit_applied sh -c 'for _ in $(seq 300); do ip netns exec extra true 2>/dev/null && exit 0; sleep 0.1; done; exit 1'
            kill -TERM $watcher; wait $watcher
            printf "$head{{Containers(1, 300)}}\n" > $W/topo.yaml
            $TOPO watch $W/topo.yaml --resync 3600 > $W/log2 2>&1 & watcher=$!
            until [ -s $W/log2 ]; do sleep 0.02; done
            sleep 0.2
            kill -TERM $watcher
            step stop wait $watcher
            step plan $TOPO plan $W/topo.yaml
            step apply $TOPO apply $W/topo.yaml
            step log cat $W/log $W/log2
            """);
        var log = s.Ok("log").Output;
        s.Ok("edit_applied"); // SIGHUP did not kill it (129) and the edit was not lost
        s.Ok("stop"); // SIGTERM mid-start: exit 0 after the round, not 1 in the middle of it
        Assert.Equal(2, log.Split('\n').Count(l => l.Contains("the topology stays in place", StringComparison.Ordinal)));
        // The interrupted round ran to its end: nothing half made (a veth without its label).
        Assert.DoesNotContain("not created by topo", s.Ok("plan").Output);
        s.Ok("apply");
    }

    /// <summary>Each logged round's start and end, from the log line's time stamp and its "in N ms".</summary>
    private static List<(TimeSpan Start, TimeSpan End)> RoundTimes(string log) =>
        System.Text.RegularExpressions.Regex.Matches(log, @"^(\d\d:\d\d:\d\d\.\d{3}) .*reconcile #\d+ .* in ([\d.]+) ms$", System.Text.RegularExpressions.RegexOptions.Multiline)
            .Select(m =>
            {
                var end = TimeSpan.ParseExact(m.Groups[1].Value, @"hh\:mm\:ss\.fff", System.Globalization.CultureInfo.InvariantCulture);
                return (end - TimeSpan.FromMilliseconds(double.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)), end);
            })
            .ToList();
}
