using System.Text.Json;
using Topo.Scenarios.Support;

namespace Topo.Scenarios.Host;

/// <summary>
/// The dual-stack example as a user meets it, checked with the real tools over IPv6: addresses
/// (usable at once, the same after another apply), reachability, the embedded resolver's AAAA
/// answers, a published port from outside with the client's address kept, NAT66 out, and an
/// internal network that stays inside. The sandbox's host turns IPv6 on, as a real host has it,
/// with 2001:db8:99::2 on its uplink and 2001:db8:99::1 outside.
/// </summary>
public sealed class DualStackScenarioTests : IDisposable
{
    private readonly string _dir = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "dualstack", Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => TestDirectory.Delete(_dir);

    private static string Example => Repo.PathOf("examples/wordpress-dual-stack.yaml");

    private string Script(string body) => $$"""
        W={{_dir}}
        mkdir -p $W/run && mount -t tmpfs topo-test $W/run
        export TOPO_RUN_DIR=$W/run
        sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0
        ip -n outside link set outside0 down; ip -n outside link set outside0 up   # IPv6 on for it too
        ip netns exec outside sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.outside0.disable_ipv6=0
        ip addr add 2001:db8:99::2/64 dev uplink0 nodad
        ip -n outside addr add 2001:db8:99::1/64 dev outside0 nodad
        ip -6 route add default via 2001:db8:99::1
        # An HTTP server on every address of both families; its log names each client.
        serve6() { # serve6 NS PORT LOG
          ip netns exec $1 python3 -m http.server $2 --bind :: > $3 2>&1 &
          for _ in $(seq 100); do ip netns exec $1 python3 -c "import socket; socket.create_connection(('::1', $2), 0.2)" 2>/dev/null && return 0; sleep 0.05; done
          echo "server in $1 did not start"; return 1
        }
        {{body}}
        """;

    [Fact]
    public void The_dual_stack_example_works_over_IPv6_end_to_end()
    {
        var s = SandboxShell.Run(Script($"""
            step apply $TOPO apply {Example}
            step again $TOPO plan {Example} --detailed-exitcode
            step addr6 ip -n wordpress -6 -j addr show
            step routes6 ip -n wordpress -6 -j route show
            step ping_db ip netns exec wordpress ping -6 -c1 -W2 fd00:1::10
            step ping_gateway ip netns exec mariadb ping -6 -c1 -W2 fd00:1::1
            serve6 wordpress 80 $W/wordpress.log
            step published fetch outside "http://[2001:db8:99::2]:80/"
            step client_kept grep -c "2001:db8:99::1" $W/wordpress.log
            serve6 outside 8080 $W/outside.log
            step out fetch wordpress "http://[2001:db8:99::1]:8080/"
            step masqueraded grep -c "2001:db8:99::2" $W/outside.log
            step internal_out fetch mariadb "http://[2001:db8:99::1]:8080/"
            step reapply $TOPO apply {Example}
            step addr6_after ip -n wordpress -6 -j addr show
            $TOPO watch {Example} --resync 3600 > $W/watch.log 2>&1 & watcher=$!
            for _ in $(seq 300); do grep -q 'reconcile #1 ' $W/watch.log && break; sleep 0.1; done
            step aaaa ip netns exec wordpress dig @127.0.0.11 +tries=3 +time=2 +short db AAAA
            step a ip netns exec wordpress dig @127.0.0.11 +tries=3 +time=2 +short db A
            step ptr ip netns exec wordpress dig @127.0.0.11 +tries=3 +time=2 +short -x fd00:1::10
            # Drift the kernel reports: the watcher (resync an hour away) hears it and repairs.
            dev=$(ip -n wordpress -o -6 addr show | grep 'fd00:1::2/' | cut -d' ' -f2)
            ip -n wordpress addr del fd00:1::2/64 dev $dev
            step repaired sh -c 'for _ in $(seq 300); do ip -n wordpress -o -6 addr show | grep -q "fd00:1::2/64" && exit 0; sleep 0.1; done; exit 1'
            kill $watcher; wait $watcher
            step watch_log cat $W/watch.log
            step destroy $TOPO destroy {Example}
            step left sh -c 'ip netns list | grep -v "^outside"; nft list tables; ip -6 -o addr show scope global | grep -v uplink0; true'
            """));

        s.Ok("apply");
        Assert.Equal(0, s["again"].ExitCode); // converged: nothing more to do

        // WordPress: fd00:1::2 on the internal network (mariadb holds the static ::10), and an
        // address of the default pool's /64 on front; usable at once, never tentative.
        var global = GlobalAddresses(s.Ok("addr6").Output);
        Assert.Contains(global, a => a.Address == "fd00:1::2" && a.Length == 64);
        Assert.Contains(global, a => a.Address.StartsWith("fd", StringComparison.Ordinal) && a.Address != "fd00:1::2" && a.Length == 64);
        Assert.All(global, a => Assert.False(a.Tentative, $"{a.Address} is tentative"));
        Assert.Contains("\"dst\":\"default\"", s.Ok("routes6").Output);

        s.Ok("ping_db");
        s.Ok("ping_gateway");

        Assert.Equal("ok", s.Ok("published").Output.Trim());
        Assert.NotEqual("0", s["client_kept"].Output.Trim()); // the client's own address, not the host's
        Assert.Equal("ok", s.Ok("out").Output.Trim());
        Assert.NotEqual("0", s["masqueraded"].Output.Trim()); // NAT66: the outside sees the host
        Assert.Equal("failed", s.Ok("internal_out").Output.Trim()); // internal stays inside

        s.Ok("reapply");
        Assert.Equal(global, GlobalAddresses(s.Ok("addr6_after").Output)); // stable across applies

        Assert.Equal("fd00:1::10", s.Ok("aaaa").Output.Trim());
        Assert.Equal("192.168.1.2", s.Ok("a").Output.Trim());
        Assert.StartsWith("mariadb", s.Ok("ptr").Output.Trim());
        s.Ok("repaired");
        Assert.Contains("fd00:1::2/64", s.Ok("watch_log").Output); // woken by the kernel's own report of it

        s.Ok("destroy");
        Assert.Equal("", s.Ok("left").Output.Trim());
    }

    private sealed record Global(string Address, int Length, bool Tentative);

    private static List<Global> GlobalAddresses(string ipJson)
    {
        var found = new List<Global>();
        foreach (var link in JsonDocument.Parse(ipJson).RootElement.EnumerateArray())
            foreach (var a in link.GetProperty("addr_info").EnumerateArray())
                if (a.GetProperty("scope").GetString() == "global")
                    found.Add(new(a.GetProperty("local").GetString()!, a.GetProperty("prefixlen").GetInt32(),
                        a.TryGetProperty("tentative", out _)));
        return [.. found.OrderBy(g => g.Address, StringComparer.Ordinal)];
    }
}
