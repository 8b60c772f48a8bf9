using Topo.Scenarios.Support;

namespace Topo.Scenarios.Host;

/// <summary>
/// Other firewall managers: a table of someone else's with a forward chain that drops topo's
/// traffic (a drop in any base chain is final). plan and apply must say so, naming the table and
/// chain with a one-line fix, and change nothing; once the fix is in, traffic flows.
/// </summary>
public sealed class ForeignFirewallScenarioTests
{
    private static string Spec { get; } = TempSpec.Write("""
        version: 1
        name: foreign
        networks:
          front: {}
        containers:
          web:
            networks: [front]
            ports: ["8080:80"]
        """);

    private const string Helpers = """
        # The fix the error gives, as one line: run it as a user would paste it.
        fix_of() { $TOPO plan $1 2>&1 | sed -n 's/.*Fix ([a-z]*): //p' | head -1; }
        """;

    /// <summary>The rest, once the fix is in: plan and apply succeed, a second plan is empty, traffic flows both ways.</summary>
    private const string AfterFix = """
        step plan_fixed $TOPO plan $SPEC
        step apply_fixed $TOPO apply $SPEC
        step again $TOPO plan $SPEC --detailed-exitcode
        log=$(mktemp)
        serve web 80 $log
        step out ip netns exec web ping -c1 -W1 10.99.0.1
        step published fetch outside http://10.99.0.2:8080/
        step destroy $TOPO destroy $SPEC
        rm -f $log
        """;

    private const string HandTable = """
        nft -f - <<'EOF'
        table inet hand {
        	chain forward { type filter hook forward priority 0; policy drop; }
        }
        EOF

        """;

    [Fact]
    public void A_hand_written_forward_drop_fails_plan_and_apply_until_the_suggested_accepts_are_in()
    {
        var s = SandboxShell.Run(Helpers + $"\nSPEC={Spec}\n" + HandTable + """
            step plan $TOPO plan $SPEC
            step apply $TOPO apply $SPEC
            step unchanged sh -c "nft list tables; ip -br link show type bridge; ip netns list | cut -d\\  -f1"
            fix=$(fix_of $SPEC)
            echo "$fix" > /tmp/fix
            step fix sh -c "$fix"
            step fixline cat /tmp/fix
            """ + "\n" + AfterFix);
        Assert.Equal(1, s["plan"].ExitCode);
        var error = s["plan"].Output;
        Assert.Contains("table inet hand, chain forward (hook forward, priority 0, policy drop) drops topo's traffic by its policy drop", error);
        Assert.Contains("connections from containers on br-", error);
        Assert.Contains("connections to published ports on br-", error);
        Assert.DoesNotContain("No changes", error);
        Assert.Equal(1, s["apply"].ExitCode);
        Assert.Contains("table inet hand, chain forward", s["apply"].Output);
        // Nothing changed: no topo table, no bridge, no namespace but the sandbox's own.
        Assert.Equal("table inet hand\noutside\n", s.Ok("unchanged").Output);
        Assert.StartsWith("nft 'insert rule inet hand forward iifname { \"br-", s.Ok("fixline").Output);
        s.Ok("fix");
        AssertFlows(s);
    }

    [Fact]
    public void Ufw_chains_made_by_iptables_nft_get_ufws_fix_and_its_accepts_make_traffic_flow()
    {
        // ufw's shape (iptables-nft): FORWARD policy DROP, jumping to ufw-user-forward, where
        // `ufw route allow in on B` puts `-i B -j ACCEPT`. ufw itself is not installed: the
        // accepts its commands would add are added with iptables.
        var s = SandboxShell.Run(Helpers + "\n" + $"""
            SPEC={Spec}
            iptables -P FORWARD DROP
            iptables -N ufw-user-forward
            iptables -A FORWARD -j ufw-user-forward
            step plan $TOPO plan $SPEC
            step apply $TOPO apply $SPEC
            step fixline fix_of $SPEC
            bridge=$(fix_of $SPEC | sed -n 's/^ufw route allow in on \([^ ]*\) .*/\1/p')
            step fix sh -c "iptables -A ufw-user-forward -i $bridge -j ACCEPT && iptables -A ufw-user-forward -o $bridge -j ACCEPT"
            """ + "\n" + AfterFix);
        Assert.Equal(1, s["plan"].ExitCode);
        Assert.Contains("table ip filter, chain FORWARD (hook forward, priority 0, policy drop) drops topo's traffic by its policy drop", s["plan"].Output);
        Assert.Equal(1, s["apply"].ExitCode);
        Assert.Matches(@"^ufw route allow in on (br-\w+) && ufw route allow out on \1\n$", s.Ok("fixline").Output);
        s.Ok("fix");
        AssertFlows(s);
    }

    /// <summary>
    /// topo watch runs and has converged; later someone loads a table whose forward chain drops
    /// everything. The kernel reports the new chain, the watcher looks again and logs the error
    /// naming the table and chain (its status says the round failed).
    /// </summary>
    [Fact]
    public void The_watcher_reports_a_dropping_forward_chain_that_appears_later()
    {
        var dir = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "watch", Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            var s = SandboxShell.Run(Helpers + "\n" + $$"""
                W={{dir}}
                mkdir -p $W/run && mount -t tmpfs topo-test $W/run
                export TOPO_RUN_DIR=$W/run
                eventually() { for _ in $(seq ${TRIES:-100}); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "never true: $*"; return 1; }
                $TOPO watch {{Spec}} --resync 3600 > $W/log 2>&1 & watcher=$!
                TRIES=300 eventually grep -q 'reconcile #1 ' $W/log || echo "test: no first reconcile after 30 s" >> $W/log
                """ + "\n" + HandTable + """
                step reported eventually grep -q 'table inet hand, chain forward' $W/log
                kill -TERM $watcher; wait $watcher
                step log cat $W/log
                nft delete table inet hand
                $TOPO destroy $SPEC > /dev/null 2>&1
                """.Replace("$SPEC", Spec, StringComparison.Ordinal));
            s.Ok("reported");
            var log = s.Ok("log").Output;
            Assert.Contains("Fix (nft): nft 'insert rule inet hand forward", log);
            Assert.Contains("cannot plan", log);
        }
        finally
        {
            TestDirectory.Delete(dir);
        }
    }

    private static void AssertFlows(Dictionary<string, SandboxShell.Step> s)
    {
        s.Ok("plan_fixed");
        s.Ok("apply_fixed");
        s.Ok("again");
        s.Ok("out");
        Assert.Equal("ok\n", s.Ok("published").Output);
        s.Ok("destroy");
    }
}
