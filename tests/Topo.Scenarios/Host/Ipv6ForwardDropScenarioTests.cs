using System.Text.RegularExpressions;
using Topo.Scenarios.Support;

namespace Topo.Scenarios.Host;

/// <summary>
/// The host's ip6 filter FORWARD with policy DROP, as Docker 20.10 with --ipv6 --ip6tables leaves it
/// (and no ip6 DOCKER-USER for topo's accepts): only IPv6 traffic meets it, so plan and apply warn,
/// naming the chain with the fix line (ip6tables', whose chain it is), and go on; IPv4 works at once,
/// IPv6 once the fix is in.
/// The watcher logs the warning in the round it appears and when it goes, not every round.
/// </summary>
public sealed class Ipv6ForwardDropScenarioTests : IDisposable
{
    private readonly string _dir = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "v6drop", Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => TestDirectory.Delete(_dir);

    private static string Spec { get; } = TempSpec.Write("""
        version: 1
        name: v6drop
        networks:
          front: {enable_ipv6: true, subnet: [10.60.0.0/24, "fd00:60::/64"]}
        containers:
          web: {networks: [front]}
        """);

    private const string Warning = "warning: table ip6 filter, chain FORWARD (hook forward, priority 0, policy drop) drops topo's IPv6 traffic by its policy drop";

    [Fact]
    public void An_ip6_forward_policy_drop_warns_applies_and_the_watcher_says_it_once()
    {
        var s = SandboxShell.Run($$"""
            W={{_dir}}
            SPEC={{Spec}}
            mkdir -p $W/run && mount -t tmpfs topo-test $W/run
            export TOPO_RUN_DIR=$W/run
            sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0
            ip -n outside link set outside0 down; ip -n outside link set outside0 up
            ip netns exec outside sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.outside0.disable_ipv6=0
            ip addr add 2001:db8:99::2/64 dev uplink0 nodad
            ip -n outside addr add 2001:db8:99::1/64 dev outside0 nodad
            ip -6 route add default via 2001:db8:99::1
            # One server for both families (a socket on :: takes IPv4 too).
            ip netns exec outside python3 -m http.server 8080 --bind :: > /dev/null 2>&1 &
            for _ in $(seq 100); do ip netns exec outside python3 -c "import socket; socket.create_connection(('::1', 8080), 0.2)" 2>/dev/null && break; sleep 0.05; done
            # Docker 20.10's ip6 filter: FORWARD policy DROP, made by ip6tables (nft backend).
            ip6tables -P FORWARD DROP
            eventually() { for _ in $(seq ${TRIES:-100}); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "never true: $*"; return 1; }
            step plan $TOPO plan $SPEC
            step apply $TOPO apply $SPEC
            step out4 fetch web http://10.99.0.1:8080/
            step out6_dropped fetch web "http://[2001:db8:99::1]:8080/"
            $TOPO watch $SPEC --resync 0.3 > $W/log 2>&1 & watcher=$!
            TRIES=300 eventually grep -q 'reconcile #4 ' $W/log
            fix=$($TOPO plan $SPEC 2>&1 | sed -n 's/.*Fix ([a-z0-9]*): //p' | head -1)
            step fix sh -c "$fix"
            step cleared eventually grep -q 'no longer applies' $W/log
            n=$(grep -c 'reconcile #' $W/log)
            TRIES=300 eventually grep -q "reconcile #$((n + 3)) " $W/log
            kill -TERM $watcher; wait $watcher
            step log cat $W/log
            step out6 fetch web "http://[2001:db8:99::1]:8080/"
            step plan_fixed $TOPO plan $SPEC --detailed-exitcode
            step destroy $TOPO destroy $SPEC
            """);
        var plan = s.Ok("plan").Output;
        Assert.Contains(Warning, plan);
        Assert.Contains("out over IPv6", plan);
        Assert.Contains("Fix (ip6tables): ip6tables -I FORWARD -i br-", plan);
        Assert.Contains("Plan:", plan);
        var apply = s.Ok("apply").Output;
        Assert.Contains(Warning, apply);
        Assert.Contains("Apply complete!", apply);
        Assert.Equal("ok\n", s.Ok("out4").Output);            // IPv4 is not affected
        Assert.Equal("failed\n", s.Ok("out6_dropped").Output); // IPv6 is, as the warning says

        s.Ok("fix");
        s.Ok("cleared");
        var log = s.Ok("log").Output;
        Assert.True(Regex.Matches(log, "reconcile #").Count >= 7, log);
        Assert.Single(Regex.Matches(log, Regex.Escape(Warning[9..])));  // many rounds, one warning
        Assert.Single(Regex.Matches(log, "no longer applies"));
        Assert.Equal("ok\n", s.Ok("out6").Output);
        Assert.DoesNotContain("warning", s.Ok("plan_fixed").Output);
        s.Ok("destroy");
    }
}
