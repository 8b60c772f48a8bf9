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


    [Fact]
    public void Wordpress_published_port_reaches_the_container_with_the_client_address_and_mariadb_stays_internal()
    {
        var s = SandboxShell.Run($"""
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
        var s = SandboxShell.Run($"""
            $TOPO apply {Example("wordpress")} >/dev/null
            log=$(mktemp)
            serve wordpress 80 $log
            nft flush ruleset
            step broken fetch outside http://10.99.0.2:80/
            step plan $TOPO plan {Example("wordpress")} --detailed-exitcode
            step apply $TOPO apply {Example("wordpress")}
            step table nft -j list table inet topo-wordpress
            step works fetch outside http://10.99.0.2:80/
            step again $TOPO plan {Example("wordpress")} --detailed-exitcode
            rm -f $log
            """);
        Assert.Equal("failed\n", s.Ok("broken").Output);
        Assert.Equal(2, s["plan"].ExitCode);
        Assert.Contains("+ firewall table inet topo-wordpress", s["plan"].Output);
        Assert.Contains("publish 0.0.0.0:80/tcp to wordpress:80", s["plan"].Output);
        Assert.Contains("verified", s.Ok("apply").Output);
        s.Ok("table");
        Assert.Equal("ok\n", s.Ok("works").Output);
        s.Ok("again");
    }

    /// <summary>
    /// A container reaches its own published port through a host address, with br_netfilter
    /// (bridge-nf-call-iptables=1, the default) and without: topo puts its bridge port in hairpin
    /// mode and masquerades the hairpinned packet, so the server sees the gateway.
    /// </summary>
    [Fact]
    public void A_container_reaches_its_own_published_port_through_the_host_with_and_without_br_netfilter()
    {
        var path = TempSpec.Write("""
            version: 1
            name: self
            networks:
              front: {subnet: 10.53.0.0/24}
            containers:
              web: {networks: [front], ports: ["8080:80"]}
              peer: {networks: [front]}
            """);
        var s = SandboxShell.Run($"""
            step apply $TOPO apply {path}
            log=$(mktemp)
            serve web 80 $log
            step hairpin ip -d -j link show master $(ip -j link show | python3 -c 'import json,sys; print([l["ifname"] for l in json.load(sys.stdin) if l.get("ifname","").startswith("br-")][0])')
            sysctl -qw net.bridge.bridge-nf-call-iptables=1
            step self_bridged fetch web http://10.99.0.2:8080/
            step peer_bridged fetch peer http://10.99.0.2:8080/
            sysctl -qw net.bridge.bridge-nf-call-iptables=0
            step self_routed fetch web http://10.99.0.2:8080/
            step clients cat $log
            rm -f $log
            """);
        s.Ok("apply");
        // Hairpin mode on web's port only: it reflects broadcasts too, so not on the others'.
        var ports = s.Ok("hairpin").Json().EnumerateArray()
            .Select(p => p.GetProperty("linkinfo").GetProperty("info_slave_data").GetProperty("hairpin").GetBoolean()).ToList();
        Assert.Equal([false, true], ports.Order());
        Assert.Equal("ok\n", s.Ok("self_bridged").Output);
        Assert.Equal("ok\n", s.Ok("peer_bridged").Output);
        Assert.Equal("ok\n", s.Ok("self_routed").Output);
        // web saw the gateway (never itself); the peer, bridged, came with its own address.
        var clients = s.Ok("clients").Output.Split('\n').Where(l => l.Contains(" - - [", StringComparison.Ordinal)).Select(l => l.Split(' ')[0]).ToList();
        Assert.Equal(["10.53.0.1", "10.53.0.3", "10.53.0.1"], clients);
    }

    /// <summary>
    /// A published port range, as Docker accepts it: the same ports on both sides is one element
    /// of the range map; a range that moves maps port by port. Both reach the container.
    /// </summary>
    [Fact]
    public void Port_ranges_reach_the_container_and_a_range_on_the_same_ports_is_one_element()
    {
        var path = TempSpec.Write("""
            version: 1
            name: ranges
            containers:
              web: {ports: ["8000-8100:8000-8100", "9000-9001:7000-7001"]}
            """);
        var s = SandboxShell.Run($"""
            step apply $TOPO apply {path}
            serve web 8050 /dev/null
            serve web 7001 /dev/null
            step in_range fetch outside http://10.99.0.2:8050/
            step moved fetch outside http://10.99.0.2:9001/
            step not_published fetch outside http://10.99.0.2:8101/
            step ranges nft -j list map inet topo-ranges publish-range
            step again $TOPO plan {path} --detailed-exitcode
            """);
        s.Ok("apply");
        Assert.Equal("ok\n", s.Ok("in_range").Output);
        Assert.Equal("ok\n", s.Ok("moved").Output);
        Assert.Equal("failed\n", s.Ok("not_published").Output);
        var map = s.Ok("ranges").Json().GetProperty("nftables").EnumerateArray().Single(i => i.TryGetProperty("map", out _)).GetProperty("map");
        var element = Assert.Single(map.GetProperty("elem").EnumerateArray());
        Assert.Contains("\"range\": [8000, 8100]", element.GetRawText(), StringComparison.Ordinal);
        s.Ok("again");
    }

    /// <summary>
    /// A container more, and one less, is a change of elements: the rules keep their handles (the
    /// table was not rewritten), their number does not grow, and the new port works, then not.
    /// </summary>
    [Fact]
    public void A_container_more_or_less_changes_elements_and_leaves_the_rules_in_place()
    {
        const string Base = """
            version: 1
            name: grow
            networks:
              front: {subnet: 10.54.0.0/24}
            containers:
              web: {networks: [front], ports: ["8080:80"]}
            """;
        var small = TempSpec.Write(Base);
        var large = TempSpec.Write(Base + "\n  api: {networks: [front], ports: [\"9090:90\"]}\n");
        const string RuleHandles = """
            handles() { nft -j -a list table inet topo-grow | python3 -c 'import json,sys; print(" ".join(str(i["rule"]["handle"]) for i in json.load(sys.stdin)["nftables"] if "rule" in i))'; }
            """;
        var s = SandboxShell.Run(RuleHandles + "\n" + $"""
            $TOPO apply {small} >/dev/null
            step before handles
            step grow $TOPO apply {large}
            serve api 90 /dev/null
            step grown handles
            step api fetch outside http://10.99.0.2:9090/
            step shrink $TOPO apply {small}
            step shrunk handles
            step gone fetch outside http://10.99.0.2:9090/
            """);
        var before = s.Ok("before").Output;
        Assert.Equal(23, before.Split(' ').Length);
        var grow = s.Ok("grow").Output;
        Assert.Contains("+ firewall element inet topo-grow publish tcp . 0.0.0.0/0 . 9090", grow, StringComparison.Ordinal);
        Assert.DoesNotContain("firewall rule", grow, StringComparison.Ordinal);
        Assert.DoesNotContain("firewall table", grow, StringComparison.Ordinal);
        Assert.Equal(before, s.Ok("grown").Output);
        Assert.Equal("ok\n", s.Ok("api").Output);
        s.Ok("shrink");
        Assert.Equal(before, s.Ok("shrunk").Output);
        Assert.Equal("failed\n", s.Ok("gone").Output);
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
