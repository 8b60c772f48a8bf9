using Topo.Scenarios.Support;

namespace Topo.Scenarios.Host;

/// <summary>
/// The embedded DNS server as users meet it: `topo watch` in a sandbox, the real `dig` inside
/// container namespaces, and dnsmasq in the sandbox's "outside" namespace as the host's upstream
/// server (the watcher reads a resolv.conf of the sandbox's own through TOPO_RESOLV_CONF).
/// </summary>
public sealed class DnsScenarioTests : IDisposable
{
    private readonly string _dir = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "dns", Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => TestDirectory.Delete(_dir);

    /// <summary>
    /// dnsmasq upstream at 10.99.0.1 (outside) knowing <c>outside.test</c>; the watcher on
    /// $W/topo.yaml (<paramref name="spec"/>) started by <c>$WATCH</c> (so a test can wrap it);
    /// <c>q NS ARGS…</c> is dig at 127.0.0.11 inside namespace NS, one try of 2 s.
    /// </summary>
    private string Script(string spec, string body, string watch = "$TOPO watch") => $$"""
        W={{_dir}}
        mkdir -p $W/run && mount -t tmpfs topo-test $W/run
        export TOPO_RUN_DIR=$W/run TOPO_RESOLV_CONF=$W/resolv.conf
        cat > $W/topo.yaml <<'YAML'
        {{spec}}
        YAML
        printf 'search corp.test\nnameserver 10.99.0.1\n' > $W/resolv.conf
        ip netns exec outside dnsmasq --keep-in-foreground --no-resolv --no-hosts --listen-address=10.99.0.1 --bind-interfaces \
          --address=/outside.test/10.9.9.9 --local=/test/ --pid-file=$W/dnsmasq.pid > $W/dnsmasq.log 2>&1 &
        eventually() { for _ in $(seq ${TRIES:-100}); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "never true: $*"; return 1; }
        q() { local ns=$1; shift; ip netns exec $ns dig @127.0.0.11 +tries=1 +time=2 "$@"; }
        answers() { q "$@" +short | sort | paste -sd' '; }
        export -f q answers
        {{watch}} $W/topo.yaml --resync 3600 > $W/log 2>&1 & watcher=$!
        TRIES=300 eventually grep -q 'reconcile #1 ' $W/log || echo "test: no first reconcile after 30 s" >> $W/log
        {{body}}
        kill $watcher 2>/dev/null; wait $watcher 2>/dev/null
        kill $(cat $W/dnsmasq.pid) 2>/dev/null
        step log cat $W/log
        """;

    /// <summary>The reference document's scenario, as the example ships it.</summary>
    private static string ReferenceScenario => File.ReadAllText(Repo.PathOf("examples/embedded-dns.yaml"));

    [Fact]
    public void The_reference_scenario_resolves_on_the_user_network_and_not_on_the_default_bridge()
    {
        var s = SandboxShell.Run(Script(ReferenceScenario, """
            step ready eventually bash -c 'q centos_two centos_three +short | grep -qE "^[0-9]+[.]"'
            step three answers centos_two centos_three
            step one q centos_two centos_one
            step upper answers centos_two CENTOS_Three
            step qualified answers centos_two centos_three.internal
            step self answers centos_three centos_two
            step no_resolver q centos_one centos_three
            step listeners ss -Hlnu
            """));
        s.Ok("ready");
        Assert.Equal("192.168.3.3\n", s.Ok("three").Output);
        // centos_one is only on the default bridge, where no name is served: not known here, so it
        // went upstream, which does not know it either.
        Assert.DoesNotContain("ANSWER SECTION", s["one"].Output);
        Assert.Equal("192.168.3.3\n", s.Ok("upper").Output);
        Assert.Equal("192.168.3.3\n", s.Ok("qualified").Output);
        Assert.Equal("192.168.3.2\n", s.Ok("self").Output);
        // Nothing answers inside a container that is only on the default bridge…
        Assert.NotEqual(0, s["no_resolver"].ExitCode);
        // …and nothing listens in the host namespace.
        Assert.DoesNotContain(":53 ", s.Ok("listeners").Output);
    }

    [Fact]
    public void Answers_follow_docker_where_it_is_right_and_fix_it_where_it_is_not()
    {
        var s = SandboxShell.Run(Script("""
            version: 1
            name: rules
            networks:
              back: {subnet: 10.20.0.0/24, dns: {ttl: 42}}
            containers:
              db: {networks: {back: {ipv4: 10.20.0.10, aliases: [mariadb]}}}
              web1: {networks: {back: {aliases: [web]}}}
              web2: {networks: {back: {aliases: [web]}}}
              app: {networks: [back]}
            """, """
            step ready eventually bash -c 'q app db +short | grep -qE "^[0-9]+[.]"'
            step a q app db +noall +answer
            step aaaa q app db AAAA
            step mx q app mariadb MX
            step ptr q app -x 10.20.0.10 +short
            step ptr_unknown q app -x 10.20.0.200
            step rr1 q app web +short
            step rr2 q app web +short
            step forwarded answers app outside.test
            step unknown q app nosuch.test
            step tcp answers app db +tcp
            """));
        s.Ok("ready");
        // TTL from the network's dns.ttl (Docker: always 600).
        Assert.Matches(@"^db\.\s+42\s+IN\s+A\s+10\.20\.0\.10", s.Ok("a").Output);
        // A known name without that type: NODATA (NOERROR, no answer), not NXDOMAIN (aardvark-dns#679).
        foreach (var step in new[] { "aaaa", "mx" })
        {
            Assert.Contains("status: NOERROR", s.Ok(step).Output);
            Assert.Contains("ANSWER: 0", s.Ok(step).Output);
        }
        // PTR: the name, then every alias (Docker: only name.network, moby#26298).
        Assert.Equal("db.\nmariadb.\ndb.back.\n", s.Ok("ptr").Output);
        // An unknown address in our own subnet is answered here, not sent upstream (moby#50044).
        Assert.Contains("status: NXDOMAIN", s.Ok("ptr_unknown").Output);
        // Several holders of one alias: all of them, in turn.
        var first = s.Ok("rr1").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var second = s.Ok("rr2").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["10.20.0.2", "10.20.0.3"], first.Order(StringComparer.Ordinal));
        Assert.Equal(first.Order(StringComparer.Ordinal), second.Order(StringComparer.Ordinal));
        Assert.NotEqual(first, second);
        Assert.Equal("10.9.9.9\n", s.Ok("forwarded").Output);
        Assert.Contains("status: NXDOMAIN", s.Ok("unknown").Output);
        Assert.Equal("10.20.0.10\n", s.Ok("tcp").Output);
    }

    [Fact]
    public void Names_follow_the_file_and_a_dead_first_upstream_server_is_skipped()
    {
        var s = SandboxShell.Run(Script("""
            version: 1
            name: follow
            networks:
              lan: {subnet: 10.30.0.0/24}
            containers:
              a: {networks: [lan]}
              b: {networks: [lan]}
            """, """
            step ready eventually bash -c 'q a b +short | grep -qE "^[0-9]+[.]"'
            printf '  c: {networks: {lan: {aliases: [cache]}}}\n' >> $W/topo.yaml
            step added eventually bash -c 'q a cache +short | grep -q 10.30.0.4'
            sed -i '/^  b:/d' $W/topo.yaml
            step removed eventually bash -c 'q a b | grep -q "ANSWER: 0"'
            # The host's resolv.conf changes: a dead server first. Picked up without a reload.
            printf 'nameserver 10.99.0.9\nnameserver 10.99.0.1\n' > $W/resolv.conf.new && mv $W/resolv.conf.new $W/resolv.conf
            sleep 0.5
            step dead_first sh -c 'ip netns exec a dig @127.0.0.11 +tries=1 +time=5 outside.test +short'
            """));
        s.Ok("ready");
        s.Ok("added");
        s.Ok("removed");
        Assert.Equal("10.9.9.9\n", s.Ok("dead_first").Output);
    }

    [Fact]
    public void A_flood_of_garbage_and_a_reload_under_query_load_lose_no_real_query()
    {
        var s = SandboxShell.Run(Script("""
            version: 1
            name: load
            networks:
              lan: {subnet: 10.40.0.0/24}
            containers:
              a: {networks: [lan]}
              b: {networks: [lan]}
            """, """
            step ready eventually bash -c 'q a b +short | grep -qE "^[0-9]+[.]"'
            step flood ip netns exec a python3 -c '
            import os, random, socket
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            rnd = random.Random(7)
            for i in range(20000):
                n = rnd.randrange(0, 600)
                s.sendto(bytes(rnd.getrandbits(8) for _ in range(n)), ("127.0.0.11", 53))
            for i in range(200):
                t = socket.create_connection(("127.0.0.11", 53)); t.sendall(b"\xff\xff" + os.urandom(100)); t.close()
            '
            step after_flood answers a b
            # Queries in a tight loop while the file grows by three containers (three reloads and applies).
            ip netns exec a python3 -c '
            import socket, struct, sys, time
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(1.0)
            q = lambda i: struct.pack(">HHHHHH", i, 0x0100, 1, 0, 0, 0) + b"\x01b\x00" + struct.pack(">HH", 1, 1)
            lost = sent = 0; end = time.time() + 6
            while time.time() < end:
                sent += 1; i = sent & 0xFFFF; s.sendto(q(i), ("127.0.0.11", 53))
                try:
                    while True:
                        r = s.recv(512)
                        if struct.unpack(">H", r[:2])[0] == i: break
                except socket.timeout: lost += 1
            print(sent, lost)
            ' > $W/load.out &
            load=$!
            for c in c1 c2 c3; do sleep 1; printf "  $c: {networks: [lan]}\n" >> $W/topo.yaml; done
            wait $load
            step load cat $W/load.out
            step grown answers a c3
            """));
        s.Ok("ready");
        s.Ok("flood");
        Assert.Equal("10.40.0.3\n", s.Ok("after_flood").Output);
        var counts = s.Ok("load").Output.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
        Assert.True(counts[0] > 1000, $"only {counts[0]} queries sent");
        Assert.Equal(0, counts[1]);
        Assert.StartsWith("10.40.0.", s.Ok("grown").Output);
        Assert.Contains("dns: 1 started", s.Ok("log").Output);
    }

    [Fact]
    public void The_watcher_serves_names_with_exactly_the_capabilities_its_systemd_unit_grants()
    {
        var unit = File.ReadAllLines(Repo.PathOf("examples/systemd/topo-watch.service"));
        var caps = unit.Single(l => l.StartsWith("CapabilityBoundingSet=", StringComparison.Ordinal))["CapabilityBoundingSet=".Length..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(c => "+" + c["CAP_".Length..].ToLowerInvariant());
        var bounding = "-all," + string.Join(",", caps);
        var s = SandboxShell.Run(Script(ReferenceScenario, """
            step ready eventually bash -c 'q centos_two centos_three +short | grep -qE "^[0-9]+[.]"'
            step three answers centos_two centos_three
            step caps sh -c "grep CapBnd /proc/$watcher/status"
            """, watch: $"setpriv --bounding-set={bounding} --inh-caps=-all $TOPO watch"));
        s.Ok("ready");
        Assert.Equal("192.168.3.3\n", s.Ok("three").Output);
        // Not all of root's capabilities: the bounding set took.
        Assert.DoesNotContain("000001ffffffffff", s.Ok("caps").Output);
    }
}
