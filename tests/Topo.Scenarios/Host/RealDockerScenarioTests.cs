using Topo.Scenarios.Support;

namespace Topo.Scenarios.Host;

/// <summary>
/// topo next to real Docker 20.10 (Debian docker.io): dockerd runs in the sandbox (its own network,
/// mount and pid namespaces; /var/lib/docker, /var/lib/containerd and /run on tmpfs) with a busybox
/// image made locally by `docker import`. Both orders: dockerd first (it sets FORWARD to DROP), and
/// topo first (then Docker leaves the policy alone, and its DOCKER-USER chain appears after topo's
/// apply); and dockerd restarted while <c>topo watch</c> runs. In each: topo's container reaches the outside, its published port answers from outside
/// with the client's address, Docker's container and published port still work, and neither side
/// reaches the other's container directly.
/// </summary>
public sealed class RealDockerScenarioTests
{
    private static string Spec { get; } = TempSpec.Write("""
        version: 1
        name: beside
        networks:
          front: {}
        containers:
          web:
            networks: [front]
            ports: ["8080:80"]
        """);

    private const string Docker = """
        mkdir -p /var/lib/docker /var/lib/containerd
        mount -t tmpfs docker /var/lib/docker
        mount -t tmpfs docker /var/lib/containerd
        d() { /usr/bin/docker -H unix:///run/docker.sock "$@"; }
        start_dockerd() {
          /usr/sbin/dockerd --host unix:///run/docker.sock > /run/dockerd.log 2>&1 &
          for _ in $(seq 150); do d info > /dev/null 2>&1 && return 0; sleep 0.2; done
          echo "dockerd did not start"; cat /run/dockerd.log; return 1
        }
        docker_image() {
          mkdir -p /run/bb/bin /run/bb/www && cp /bin/busybox /run/bb/bin/ && ln -s busybox /run/bb/bin/sh && echo docker > /run/bb/www/index.html
          tar -C /run/bb -c . | d import - bb > /dev/null
        }
        # An HTTP GET from a Docker container (busybox-static's wget crashes; its nc does not): 0 on a 200.
        dget() { printf 'GET / HTTP/1.0\r\n\r\n' | d exec -i $1 /bin/busybox nc -w 2 $2 $3 | grep -q ' 200 '; }
        docker_addr() { d inspect -f '{{.NetworkSettings.IPAddress}}' $1; }
        addr() { ip -n $1 -4 -j addr show eth0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["addr_info"][0]["local"])'; }
        """;

    /// <summary>The probes, the same in both orders.</summary>
    private static string Probes => $"""
        log=$(mktemp)
        serve web 80 $log
        d run -d --name dweb -p 9090:80 bb /bin/busybox httpd -f -p 80 -h /www > /dev/null
        dweb=$(docker_addr dweb)
        step dweb echo $dweb
        step host_to_docker curl -s -m 2 http://$dweb:80/
        step t_out ip netns exec web ping -c1 -W1 10.99.0.1
        step t_published fetch outside http://10.99.0.2:8080/
        step t_client cat $log
        step d_out d exec dweb /bin/busybox ping -c1 -W1 10.99.0.1
        step d_published fetch outside http://10.99.0.2:9090/
        step topo_to_docker fetch web http://$dweb:80/
        step docker_to_topo dget dweb $(addr web) 80
        step docker_to_topo_published dget dweb 10.99.0.2 8080
        step save sh -c 'iptables-save 2>&1'
        type before_destroy > /dev/null 2>&1 && before_destroy
        step destroy $TOPO destroy {Spec}
        step after sh -c 'iptables -S DOCKER-USER 2>&1'
        rm -f $log
        """;

    private static void SkipWithoutDocker()
    {
        if (!File.Exists("/usr/sbin/dockerd") || !File.Exists("/bin/busybox"))
            // Not installed by scripts/bootstrap: on a host with systemd, installing docker.io starts
            // dockerd in the host's own namespace, which no test may cause.
            Assert.Skip("needs Debian's docker.io and busybox-static: apt-get install docker.io busybox-static (where no service manager starts dockerd)");
    }

    private static void AssertBothWork(Dictionary<string, SandboxShell.Step> s)
    {
        // Controls: Docker's container is there and answers; what fails below fails for the firewall.
        Assert.Matches(@"^172\.17\.0\.\d+\n$", s.Ok("dweb").Output);   // on docker0
        Assert.Equal("docker\n", s.Ok("host_to_docker").Output);
        s.Ok("t_out");
        Assert.Equal("ok\n", s.Ok("t_published").Output);
        Assert.Contains("10.99.0.1 - -", s.Ok("t_client").Output);
        s.Ok("d_out");
        Assert.Equal("ok\n", s.Ok("d_published").Output);
        Assert.Equal("failed\n", s.Ok("topo_to_docker").Output);
        Assert.NotEqual(0, s["docker_to_topo"].ExitCode);
        s.Ok("docker_to_topo_published");   // a published port is not direct: DNATed, allowed
        Assert.DoesNotContain("incompatible", s.Ok("save").Output, StringComparison.OrdinalIgnoreCase);
        s.Ok("destroy");
        Assert.DoesNotContain("topo:", s.Ok("after").Output);
    }

    [Fact]
    public void Dockerd_first_then_topo()
    {
        SandboxShell.SkipUnlessRoot();
        SkipWithoutDocker();
        var s = SandboxShell.Run(Docker + "\n" + $"""
            step dockerd start_dockerd
            docker_image
            step policy iptables -S FORWARD
            step apply $TOPO apply {Spec}
            step bridge ip -4 -o addr show dev topo0
            {Probes}
            """, ownPids: true);
        s.Ok("dockerd");
        Assert.Contains("-P FORWARD DROP", s.Ok("policy").Output);   // what breaks topo without DOCKER-USER rules
        Assert.Contains("DOCKER-USER", s.Ok("apply").Output);
        AssertBothWork(s);
    }

    [Fact]
    public void Topo_first_then_dockerd()
    {
        SandboxShell.SkipUnlessRoot();
        SkipWithoutDocker();
        var s = SandboxShell.Run(Docker + "\n" + $"""
            step apply $TOPO apply {Spec}
            step dockerd start_dockerd
            docker_image
            step policy iptables -S FORWARD
            step drift $TOPO plan {Spec} --detailed-exitcode
            step reapply $TOPO apply {Spec}
            {Probes}
            """, ownPids: true);
        s.Ok("apply");
        s.Ok("dockerd");
        // Forwarding was on already: Docker leaves the policy at ACCEPT.
        Assert.Contains("-P FORWARD ACCEPT", s.Ok("policy").Output);
        // Docker's chain appeared after topo's apply: the next plan wants topo's rules there.
        Assert.Equal(2, s["drift"].ExitCode);
        Assert.Contains("DOCKER-USER", s["drift"].Output);
        s.Ok("reapply");
        AssertBothWork(s);
    }

    /// <summary>
    /// dockerd first, then <c>topo watch</c>; dockerd is stopped and started again under the running
    /// watcher (it re-arranges its chains and FORWARD's jump to DOCKER-USER at start). After the
    /// restart topo's accepts are in DOCKER-USER, Docker's container from before is back, and every
    /// probe holds, with the watcher running. Docker 20.10 leaves DOCKER-USER's rules in place over a
    /// restart (same handles; the watcher's rounds find nothing to repair): the watcher's putting them
    /// back when the chain is flushed is tested in DockerCoexistenceScenarioTests.
    /// </summary>
    [Fact]
    public void Dockerd_restarted_while_topo_watch_runs()
    {
        SandboxShell.SkipUnlessRoot();
        SkipWithoutDocker();
        const string helpers = """
            eventually() { for _ in $(seq ${TRIES:-100}); do "$@" > /dev/null 2>&1 && return 0; sleep 0.1; done; echo "never true: $*"; return 1; }
            topo_rules() { iptables -S DOCKER-USER | grep -c 'topo:beside:' | grep -qx 2; }
            before_destroy() { kill -TERM $watcher; wait $watcher; }
            """;
        var s = SandboxShell.Run(Docker + "\n" + helpers + "\n" + $"""
            step dockerd start_dockerd
            docker_image
            $TOPO watch {Spec} --resync 3600 > /run/watch.log 2>&1 & watcher=$!
            TRIES=300 step watching eventually grep -q 'reconcile #1 ' /run/watch.log
            step rules_before eventually topo_rules
            d run -d --name dold --restart always bb /bin/busybox sleep 600 > /dev/null
            step stop sh -c 'kill -TERM $(pidof dockerd); for _ in $(seq 300); do pidof dockerd > /dev/null || exit 0; sleep 0.1; done; exit 1'
            step restart start_dockerd
            step policy iptables -S FORWARD
            step rules_after eventually topo_rules
            step rules iptables -S DOCKER-USER
            TRIES=150 step dold_back eventually d exec dold /bin/busybox ping -c1 -W1 10.99.0.1
            {Probes}
            step log cat /run/watch.log
            """, ownPids: true);
        s.Ok("dockerd");
        s.Ok("watching");
        s.Ok("rules_before");
        s.Ok("stop");
        s.Ok("restart");
        Assert.Contains("-P FORWARD DROP", s.Ok("policy").Output);
        s.Ok("rules_after");
        // Docker's own RETURN stays last: topo's accepts are above it.
        Assert.EndsWith("-j RETURN\n", s.Ok("rules").Output);
        s.Ok("dold_back");   // Docker's container from before the restart is back and reaches out
        AssertBothWork(s);
        Assert.DoesNotContain("cannot plan", s.Ok("log").Output);
    }
}
