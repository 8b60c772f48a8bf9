using Topo.Scenarios.Support;

namespace Topo.Scenarios.Host;

/// <summary>
/// NAT, published ports, isolation, internal networks and ICC, with real traffic between the
/// sandbox's namespaces: small python HTTP servers in containers, curl and ping as clients.
/// The outside namespace (10.99.0.1) reaches the sandbox host at 10.99.0.2 through uplink0.
/// </summary>
public sealed class FirewallScenarioTests
{
    private static string Example(string name) => Repo.PathOf($"examples/{name}.yaml");

    /// <summary>Another project with a container on the shared default bridge.</summary>
    private static string OtherOnTheDefaultBridge { get; } = TempSpec.Write("""
        version: 1
        name: neighbour
        containers:
          client: {}
        """);


    /// <summary>Shell helpers: an HTTP server in a namespace (waits until it listens), and a fetch that reports ok/failed.</summary>
    private const string Helpers = """
        serve() { # serve NS PORT LOG
          ip netns exec $1 python3 -m http.server $2 --bind 0.0.0.0 > $3 2>&1 &
          for _ in $(seq 100); do ip netns exec $1 python3 -c "import socket; socket.create_connection(('127.0.0.1', $2), 0.2)" 2>/dev/null && return 0; sleep 0.05; done
          echo "server in $1 did not start"; return 1
        }
        fetch() { # fetch NS URL: prints ok or failed
          if ip netns exec $1 curl -s -o /dev/null -m 2 "$2"; then echo ok; else echo failed; fi
        }
        """;

    [Fact]
    public void Wordpress_published_port_reaches_the_container_with_the_client_address_and_mariadb_stays_internal()
    {
        var s = SandboxShell.Run(Helpers + "\n" + $"""
            step apply $TOPO apply {Example("wordpress")}
            step port_clash $TOPO apply {Example("default-bridge")}
            step apply_other $TOPO apply {OtherOnTheDefaultBridge}
            log=$(mktemp); dblog=$(mktemp)
            serve wordpress 80 $log
            serve mariadb 3306 $dblog
            db=$(ip -n mariadb -4 -j addr show eth0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["addr_info"][0]["local"])')
            other=$(ip netns list | cut -d' ' -f1 | grep -v -e outside -e wordpress -e mariadb | head -1)
            # A route towards the internal subnet, as a neighbour on the LAN could configure it.
            ip -n outside route add 192.168.1.0/24 via 10.99.0.2
            step outside_to_wordpress fetch outside http://10.99.0.2:80/
            step client_address cat $log
            step wordpress_to_mariadb fetch wordpress http://$db:3306/
            step outside_to_mariadb fetch outside http://$db:3306/
            step bridge_container_to_mariadb fetch $other http://$db:3306/
            step mariadb_out ip netns exec mariadb ping -c1 -W1 10.99.0.1
            step host_to_port fetch outside http://10.99.0.2:80/
            rm -f $log $dblog
            """);
        s.Ok("apply");
        // default-bridge.yaml publishes 80 too: refused before any change, naming who has it.
        Assert.Equal(1, s["port_clash"].ExitCode);
        Assert.Contains("is already published by project 'wordpress' (container 'wordpress'", s["port_clash"].Output);
        s.Ok("apply_other");
        Assert.Equal("ok\n", s.Ok("outside_to_wordpress").Output);
        Assert.Contains("10.99.0.1 - -", s.Ok("client_address").Output); // the real client, no proxy
        Assert.Equal("ok\n", s.Ok("wordpress_to_mariadb").Output);
        Assert.Equal("failed\n", s.Ok("outside_to_mariadb").Output);
        Assert.Equal("failed\n", s.Ok("bridge_container_to_mariadb").Output);
        Assert.NotEqual(0, s["mariadb_out"].ExitCode); // internal: no way out
    }

    [Fact]
    public void Icc_off_containers_cannot_reach_each_other_but_reach_their_gateway()
    {
        var s = SandboxShell.Run($"""
            step apply $TOPO apply {Example("icc-disabled")}
            step one_to_two ip netns exec centos1 ping -c1 -W1 192.168.2.12
            step two_to_one ip netns exec centos2 ping -c1 -W1 192.168.2.11
            step one_to_gw ip netns exec centos1 ping -c1 -W1 192.168.2.1
            step two_to_gw ip netns exec centos2 ping -c1 -W1 192.168.2.1
            step isolated ip -d -j link show master $(ip -j link show | python3 -c 'import json,sys; print([l["ifname"] for l in json.load(sys.stdin) if l.get("ifname","").startswith("br-")][0])')
            """);
        s.Ok("apply");
        Assert.NotEqual(0, s["one_to_two"].ExitCode);
        Assert.NotEqual(0, s["two_to_one"].ExitCode);
        s.Ok("one_to_gw");
        s.Ok("two_to_gw");
        Assert.All(s.Ok("isolated").Json().EnumerateArray(),
            port => Assert.True(port.GetProperty("linkinfo").GetProperty("info_slave_data").GetProperty("isolated").GetBoolean()));
    }

    [Fact]
    public void Containers_on_different_networks_are_isolated_unless_one_is_on_both()
    {
        var path = TempSpec.Write("""
            version: 1
            name: iso
            networks:
              front: {subnet: 10.51.0.0/24}
              back: {subnet: 10.52.0.0/24}
            containers:
              a: {networks: [front]}
              b: {networks: [back]}
              both: {networks: [front, back]}
            """);
        var s = SandboxShell.Run($"""
            step apply $TOPO apply {path}
            step a_to_b ip netns exec a ping -c1 -W1 10.52.0.2
            step b_to_a ip netns exec b ping -c1 -W1 10.51.0.2
            step both_to_a ip netns exec both ping -c1 -W1 10.51.0.2
            step both_to_b ip netns exec both ping -c1 -W1 10.52.0.2
            """);
        s.Ok("apply");
        Assert.NotEqual(0, s["a_to_b"].ExitCode);
        Assert.NotEqual(0, s["b_to_a"].ExitCode);
        s.Ok("both_to_a");
        s.Ok("both_to_b");
    }

    [Fact]
    public void After_a_firewall_flush_the_plan_shows_the_missing_rules_and_apply_restores_them()
    {
        var s = SandboxShell.Run(Helpers + "\n" + $"""
            $TOPO apply {Example("wordpress")} >/dev/null
            log=$(mktemp)
            serve wordpress 80 $log
            nft flush ruleset
            step broken fetch outside http://10.99.0.2:80/
            step plan $TOPO plan {Example("wordpress")} --detailed-exitcode
            step apply $TOPO apply {Example("wordpress")}
            step table nft -j list table ip topo-wordpress
            step works fetch outside http://10.99.0.2:80/
            step again $TOPO plan {Example("wordpress")} --detailed-exitcode
            rm -f $log
            """);
        Assert.Equal("failed\n", s.Ok("broken").Output);
        Assert.Equal(2, s["plan"].ExitCode);
        Assert.Contains("+ firewall table ip topo-wordpress", s["plan"].Output);
        Assert.Contains("publish 0.0.0.0:80/tcp to wordpress:80", s["plan"].Output);
        Assert.Contains("verified", s.Ok("apply").Output);
        s.Ok("table");
        Assert.Equal("ok\n", s.Ok("works").Output);
        s.Ok("again");
    }

    [Fact]
    public void Destroy_removes_the_projects_table_and_leaves_other_tables_alone()
    {
        var s = SandboxShell.Run($"""
            nft add table ip mine
            $TOPO apply {Example("wordpress")} >/dev/null
            step destroy $TOPO destroy {Example("wordpress")}
            step tables nft list tables
            """);
        s.Ok("destroy");
        Assert.Equal("table ip mine\n", s.Ok("tables").Output);
    }
}
