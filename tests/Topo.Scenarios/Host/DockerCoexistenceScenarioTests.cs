using Topo.Scenarios.Support;

namespace Topo.Scenarios.Host;

/// <summary>
/// Next to Docker: dockerd (iptables-nft) sets the ip filter FORWARD policy to DROP and makes the
/// DOCKER-USER chain for its users' rules. Here the sandbox gets exactly that with iptables itself,
/// before topo applies; topo must keep its containers reachable through accepts of its own in
/// DOCKER-USER, in a form iptables reads back, and remove exactly them on destroy.
/// </summary>
public sealed class DockerCoexistenceScenarioTests
{
    private static string Spec { get; } = TempSpec.Write("""
        version: 1
        name: coexist
        networks:
          front: {}
        containers:
          web:
            networks: [front]
            ports: ["8080:80"]
        """);

    private const string DockerForwardDrop = """
        iptables -P FORWARD DROP
        iptables -N DOCKER-USER
        iptables -A DOCKER-USER -j RETURN
        iptables -A FORWARD -j DOCKER-USER
        """;

    [Fact]
    public void Under_dockers_forward_drop_topos_accepts_in_docker_user_keep_its_containers_reachable()
    {
        var s = SandboxShell.Run(DockerForwardDrop + "\n" + $"""
            step plan $TOPO plan {Spec}
            step apply $TOPO apply {Spec}
            step again $TOPO plan {Spec} --detailed-exitcode
            log=$(mktemp)
            serve web 80 $log
            step out ip netns exec web ping -c1 -W1 10.99.0.1
            step published fetch outside http://10.99.0.2:8080/
            step client cat $log
            step save sh -c 'iptables-save 2>&1'
            step docker_adds sh -c 'iptables -I DOCKER-USER -i eth9 -j ACCEPT && iptables -D DOCKER-USER -i eth9 -j ACCEPT'
            # Without topo's rules there (Docker flushed its chain) the drop wins; plan sees it, apply puts them back.
            nft flush chain ip filter DOCKER-USER && iptables -A DOCKER-USER -j RETURN
            step cut_off fetch outside http://10.99.0.2:8080/
            step drift $TOPO plan {Spec} --detailed-exitcode
            step repair $TOPO apply {Spec}
            step repaired fetch outside http://10.99.0.2:8080/
            step destroy $TOPO destroy {Spec}
            step after iptables -S DOCKER-USER
            rm -f $log
            """);
        Assert.Contains("firewall rule ip filter DOCKER-USER", s.Ok("plan").Output);
        s.Ok("apply");
        s.Ok("again");   // exit 0: converged, the rules read back as written
        s.Ok("out");
        Assert.Equal("ok\n", s.Ok("published").Output);
        Assert.Contains("10.99.0.1 - -", s.Ok("client").Output);   // the real client address
        var save = s.Ok("save").Output;
        Assert.DoesNotContain("incompatible", save, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("-A DOCKER-USER -i br-", save);
        Assert.Contains("-m comment --comment \"topo:coexist:firewall:coexist docker-user: forward from br-", save);
        s.Ok("docker_adds");
        Assert.Equal("failed\n", s.Ok("cut_off").Output);
        Assert.Equal(2, s["drift"].ExitCode);
        s.Ok("repair");
        Assert.Equal("ok\n", s.Ok("repaired").Output);
        s.Ok("destroy");
        Assert.Equal("-N DOCKER-USER\n-A DOCKER-USER -j RETURN\n", s.Ok("after").Output);
    }

    /// <summary>
    /// topo watch runs first (as at boot); Docker comes up later and makes its chain with FORWARD
    /// DROP; later still it flushes the chain (a restart after `iptables -F`). The kernel reports
    /// Docker's table changing, and the watcher puts topo's accepts back each time.
    /// </summary>
    [Fact]
    public void The_watcher_puts_its_accepts_into_dockers_chain_when_docker_makes_it_again()
    {
        var dir = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "watch", Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            var s = SandboxShell.Run($$"""
                W={{dir}}
                mkdir -p $W/run && mount -t tmpfs topo-test $W/run
                export TOPO_RUN_DIR=$W/run
                eventually() { for _ in $(seq ${TRIES:-100}); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "never true: $*"; return 1; }
                $TOPO watch {{Spec}} --resync 3600 > $W/log 2>&1 & watcher=$!
                TRIES=300 eventually grep -q 'reconcile #1 ' $W/log || echo "test: no first reconcile after 30 s" >> $W/log
                log=$(mktemp)
                serve web 80 $log
                step before fetch outside http://10.99.0.2:8080/
                {{DockerForwardDrop}}
                step docker_started eventually sh -c 'iptables -S DOCKER-USER | grep -q topo:coexist'
                step after_start fetch outside http://10.99.0.2:8080/
                iptables -F DOCKER-USER && iptables -A DOCKER-USER -j RETURN
                step docker_restarted eventually sh -c 'iptables -S DOCKER-USER | grep -q topo:coexist'
                step after_restart fetch outside http://10.99.0.2:8080/
                kill -TERM $watcher; wait $watcher
                step log cat $W/log
                $TOPO destroy {{Spec}} > /dev/null 2>&1
                rm -f $log
                """);
            Assert.Equal("ok\n", s.Ok("before").Output);
            s.Ok("docker_started");
            Assert.Equal("ok\n", s.Ok("after_start").Output);
            s.Ok("docker_restarted");
            Assert.Equal("ok\n", s.Ok("after_restart").Output);
            Assert.Contains("(kernel: nftables table filter", s.Ok("log").Output);
        }
        finally
        {
            TestDirectory.Delete(dir);
        }
    }
}
