using System.Text.Json;
using Topo.Scenarios.Support;

namespace Topo.Scenarios.Host;

/// <summary>
/// The topo binary against a sandbox host, checked with iproute2 (`ip -j`): the reference
/// document's scenarios that need only bridges, veths and namespaces.
/// </summary>
public sealed class ApplyScenarioTests
{
    private static string Example(string name) => Repo.PathOf($"examples/{name}.yaml");

    private static JsonElement Link(JsonElement links, string name) =>
        links.EnumerateArray().Single(l => l.GetProperty("ifname").GetString() == name);

    private static string[] Addresses(JsonElement addr, string ifname) =>
        [.. addr.EnumerateArray().Where(i => i.GetProperty("ifname").GetString() == ifname)
            .SelectMany(i => i.GetProperty("addr_info").EnumerateArray())
            .Where(a => a.GetProperty("family").GetString() == "inet")
            .Select(a => $"{a.GetProperty("local").GetString()}/{a.GetProperty("prefixlen").GetInt32()}")];

    [Fact]
    public void Wordpress_is_applied_converged_and_visible_to_iproute2()
    {
        var s = SandboxShell.Run($"""
            step apply $TOPO apply {Example("wordpress")}
            step netns ip netns list
            step host_links ip -j -d link show
            step wp_addr ip -n wordpress -j addr show
            step wp_routes ip -n wordpress -j route show
            step ping ip netns exec wordpress ping -c1 -W2 192.168.1.2
            step replan $TOPO plan {Example("wordpress")} --detailed-exitcode
            """);
        Assert.Contains("Apply complete!", s.Ok("apply").Output);
        Assert.Contains("verified", s.Ok("apply").Output);
        Assert.Equal(["mariadb", "wordpress"], s.Ok("netns").Namespaces());

        var links = s.Ok("host_links").Json();
        var topo0 = Link(links, "topo0");
        Assert.Equal("topo:-:network:bridge", topo0.GetProperty("ifalias").GetString());
        Assert.Equal("bridge", topo0.GetProperty("linkinfo").GetProperty("info_kind").GetString());
        var veths = links.EnumerateArray().Where(l => l.GetProperty("ifname").GetString()!.StartsWith("veth")).ToList();
        Assert.Equal(3, veths.Count);
        Assert.All(veths, v => Assert.StartsWith("topo:wordpress:endpoint:", v.GetProperty("ifalias").GetString()));

        var addr = s.Ok("wp_addr").Json();
        Assert.Equal(["192.168.1.3/24"], Addresses(addr, "eth0"));
        Assert.Equal(["172.17.0.2/16"], Addresses(addr, "eth1"));
        Assert.Equal("02:42:ac:11:00:02", Link(addr, "eth1").GetProperty("address").GetString());
        var defaultRoute = s.Ok("wp_routes").Json().EnumerateArray().Single(r => r.GetProperty("dst").GetString() == "default");
        Assert.Equal(("172.17.0.1", "eth1"), (defaultRoute.GetProperty("gateway").GetString(), defaultRoute.GetProperty("dev").GetString()));
        s.Ok("ping");
        s.Ok("replan"); // exit 0: nothing left to do
    }

    [Fact]
    public void A_second_apply_changes_nothing_and_the_kernel_reports_no_event()
    {
        var s = SandboxShell.Run($"""
            $TOPO apply {Example("wordpress")} >/dev/null
            settle
            ip -o monitor link address route > /run/monitor & monitor=$!
            # Subscribed once it reports a marker (an address on uplink0, added and taken back):
            # on a busy machine it can take longer than any fixed pause, and events before it are lost.
            for _ in $(seq 100); do
              ip addr add 10.99.0.99/32 dev uplink0 && ip addr del 10.99.0.99/32 dev uplink0
              grep -q 'Deleted.* 10[.]99[.]0[.]99/32' /run/monitor && break
              sleep 0.1
            done
            step again $TOPO apply {Example("wordpress")}
            settle
            kill $monitor
            step events grep -v ' 10[.]99[.]0[.]99[/ ]' /run/monitor
            step marker grep -c ' 10[.]99[.]0[.]99[/ ]' /run/monitor
            """);
        Assert.Equal("No changes. The host matches the topology.\n", s.Ok("again").Output);
        Assert.True(s.Ok("marker").Output.Trim() != "0", "the monitor never reported its marker");
        var events = s["events"].Output;
        Assert.True(events == "", $"the kernel reported changes during a no-op apply:\n{events}");
    }

    [Fact]
    public void One_more_container_creates_only_that_containers_objects_and_its_name_in_its_neighbours_hosts_files()
    {
        var before = TempSpec.Write("""
            version: 1
            name: grow
            networks:
              app: {subnet: 10.30.0.0/24}
            containers:
              a: {networks: [app]}
              b: {networks: [app, bridge]}
            """);
        var after = TempSpec.Write("""
            version: 1
            name: grow
            networks:
              app: {subnet: 10.30.0.0/24}
            containers:
              a: {networks: [app]}
              b: {networks: [app, bridge]}
              c: {networks: [app]}
            """);
        var s = SandboxShell.Run($"""
            $TOPO apply {before} >/dev/null
            settle
            step links_before ip -j link show
            step b_before ip -n b -4 -j addr show
            step apply sh -c 'umask 077; exec "$0" apply "$1"' $TOPO {after}
            settle
            step links_after ip -j link show
            step b_after ip -n b -4 -j addr show
            step c_addr ip -n c -j addr show
            step modes stat -c '%n %a' /etc/netns/a/hosts /etc/netns/c/hosts /etc/netns/c/resolv.conf
            step a_hosts cat /etc/netns/a/hosts
            """);
        var output = s.Ok("apply").Output;
        // c's namespace, veth, address, route and its two files; a and b only learn c's name.
        Assert.Contains("Plan: 6 to add, 2 to change, 0 to destroy.", output);
        Assert.Contains("container a\n    # not what the topology gives: the containers it lists changed, or it was edited by hand\n  ~ file a/hosts\n      ~ content:\n          + 10.30.0.4\tc c.app\n\ncontainer b\n", output);
        Assert.Contains("container b\n    # not what the topology gives: the containers it lists changed, or it was edited by hand\n  ~ file b/hosts\n      ~ content:\n          + 10.30.0.4\tc c.app\n\ncontainer c\n", output);

        string Describe(JsonElement l) => $"{l.GetProperty("ifindex")} {l.GetProperty("ifname")} {l.GetProperty("flags")} {l.GetProperty("address")}";
        var linksBefore = s.Ok("links_before").Json().EnumerateArray().Select(Describe).ToList();
        var linksAfter = s.Ok("links_after").Json().EnumerateArray().Select(Describe).ToList();
        Assert.Empty(linksBefore.Except(linksAfter)); // nothing that was there changed
        Assert.Single(linksAfter.Except(linksBefore)); // one new host veth
        Assert.Equal(s.Ok("b_before").Output, s.Ok("b_after").Output);
        Assert.Equal(["10.30.0.4/24"], Addresses(s.Ok("c_addr").Json(), "eth0"));
        // Readable by everyone whatever the umask of the apply (ip netns exec's users read them), and whole.
        Assert.Equal("/etc/netns/a/hosts 644\n/etc/netns/c/hosts 644\n/etc/netns/c/resolv.conf 644\n", s.Ok("modes").Output);
        Assert.StartsWith("# topo:grow:container:a — written by topo; changes are overwritten\n127.0.0.1\tlocalhost\n", s.Ok("a_hosts").Output);
        Assert.EndsWith("10.30.0.4\tc c.app\n", s.Ok("a_hosts").Output);
    }

    [Fact]
    public void User_bridge_with_subnet_gateway_and_name_then_a_container_on_two_networks()
    {
        var s = SandboxShell.Run($"""
            step apply $TOPO apply {Example("user-bridge")}
            step bridge2 ip -j addr show bridge2
            step inspect $TOPO inspect bridge2
            step conflict $TOPO apply {Example("multi-network")}
            $TOPO destroy {Example("user-bridge")} >/dev/null
            step multi $TOPO apply {Example("multi-network")}
            step apache ip -n apache -j addr show
            """);
        s.Ok("apply");
        Assert.Equal(["192.168.2.1/24"], Addresses(s.Ok("bridge2").Json(), "bridge2"));
        var inspect = s.Ok("inspect").Json()[0];
        Assert.Equal("192.168.2.0/24", inspect.GetProperty("IPAM").GetProperty("Config")[0].GetProperty("Subnet").GetString());
        Assert.Equal("192.168.2.1", inspect.GetProperty("IPAM").GetProperty("Config")[0].GetProperty("Gateway").GetString());
        // Another project's networks hold the subnets (and its container and bridge the names):
        // refused before any change, naming the owner.
        Assert.Equal(1, s["conflict"].ExitCode);
        Assert.Contains("subnet 192.168.1.0/24 overlaps network 'bridge1' of project 'user-bridge'", s["conflict"].Output);
        Assert.Contains("subnet 192.168.2.0/24 overlaps network 'bridge2' of project 'user-bridge' (192.168.2.1/24 on bridge bridge2)", s["conflict"].Output);
        s.Ok("multi");
        var apache = s.Ok("apache").Json();
        Assert.Equal(["192.168.2.2/24"], Addresses(apache, "eth0"));
        Assert.Equal(["192.168.1.2/24"], Addresses(apache, "eth1"));
    }

    [Fact]
    public void Adding_a_network_to_a_running_container_creates_only_the_new_interface_and_rewrites_its_hosts_file()
    {
        var before = TempSpec.Write("""
            version: 1
            name: attach
            networks:
              bridge1: {subnet: 192.168.1.0/24}
              bridge2: {subnet: 192.168.2.0/24, bridge_name: bridge2}
            containers:
              apache: {networks: [bridge2]}
            """);
        var after = TempSpec.Write("""
            version: 1
            name: attach
            networks:
              bridge1: {subnet: 192.168.1.0/24}
              bridge2: {subnet: 192.168.2.0/24, bridge_name: bridge2}
            containers:
              apache: {networks: [bridge2, bridge1]}
            """);
        var s = SandboxShell.Run($"""
            $TOPO apply {before} >/dev/null
            step eth0_before ip -n apache -j link show eth0
            step apply $TOPO apply {after}
            step eth0_after ip -n apache -j link show eth0
            step addr ip -n apache -j addr show
            """);
        // The veth and its address; and apache's hosts file gains its address on bridge1.
        Assert.Contains("Plan: 2 to add, 1 to change, 0 to destroy.", s.Ok("apply").Output);
        Assert.Contains("  ~ file apache/hosts\n      ~ content:\n          + 192.168.1.2\tapache apache.bridge1\n", s.Ok("apply").Output);
        Assert.Equal(s.Ok("eth0_before").Output, s.Ok("eth0_after").Output);
        var addr = s.Ok("addr").Json();
        Assert.Equal(["192.168.2.2/24"], Addresses(addr, "eth0"));
        Assert.Equal(["192.168.1.2/24"], Addresses(addr, "eth1"));
    }

    [Fact]
    public void Changing_a_static_address_converges_in_one_apply_with_the_default_route_back()
    {
        // Deleting the old address leaves eth0 with none, and the kernel drops the default route with it.
        var before = TempSpec.Write("""
            version: 1
            name: renumber
            networks:
              net: {subnet: 10.20.0.0/24}
            containers:
              web: {networks: {net: {ipv4: 10.20.0.5}}}
            """);
        var after = TempSpec.Write("""
            version: 1
            name: renumber
            networks:
              net: {subnet: 10.20.0.0/24}
            containers:
              web: {networks: {net: {ipv4: 10.20.0.6}}}
            """);
        var s = SandboxShell.Run($"""
            $TOPO apply {before} >/dev/null
            step apply $TOPO apply {after}
            step replan $TOPO plan {after} --detailed-exitcode
            step route ip -n web -j route show default
            step addr ip -n web -j addr show
            """);
        var apply = s.Ok("apply").Output;
        Assert.Contains("verified", apply);
        Assert.Contains("+ route web default", apply);
        s.Ok("replan"); // exit 0: nothing left to do
        var route = Assert.Single(s.Ok("route").Json().EnumerateArray());
        Assert.Equal(("10.20.0.1", "eth0"), (route.GetProperty("gateway").GetString(), route.GetProperty("dev").GetString()));
        Assert.Equal(["10.20.0.6/24"], Addresses(s.Ok("addr").Json(), "eth0"));
    }

    [Fact]
    public void Host_none_and_container_modes()
    {
        var s = SandboxShell.Run($"""
            step apply $TOPO apply {Example("modes")}
            step netns ip netns list
            step shell ip netns exec shell ip -j addr show
            step web ip netns exec web ip -j addr show
            step none ip -n centos-none -j link show
            """);
        s.Ok("apply");
        Assert.Equal(["centos-none", "shell", "web"], s.Ok("netns").Namespaces()); // host mode: no namespace
        Assert.Equal(s.Ok("web").Output, s.Ok("shell").Output); // shell sees web's interfaces
        Assert.Equal(["172.17.0.2/16"], Addresses(s.Ok("shell").Json(), "eth0"));
        Assert.Equal(["lo"], s.Ok("none").Json().EnumerateArray().Select(l => l.GetProperty("ifname").GetString()));
    }

    [Fact]
    public void Destroy_leaves_the_sandbox_exactly_as_before_and_twice_is_fine()
    {
        var s = SandboxShell.Run($"""
            settle
            step links_before ip -j -d link show
            step addr_before ip -j addr show
            step routes_before ip -j route show
            $TOPO apply {Example("wordpress")} >/dev/null
            $TOPO apply {Example("modes")} >/dev/null
            step destroy $TOPO destroy {Example("wordpress")}
            step destroy_modes $TOPO destroy {Example("modes")}
            step again $TOPO destroy {Example("wordpress")}
            settle
            step links_after ip -j -d link show
            step addr_after ip -j addr show
            step routes_after ip -j route show
            step netns ls -A /run/netns /etc/netns
            """);
        Assert.Contains("Destroy complete!", s.Ok("destroy").Output);
        s.Ok("destroy_modes");
        Assert.Contains("No changes.", s.Ok("again").Output);
        Assert.Equal(s.Ok("links_before").Output, s.Ok("links_after").Output);
        Assert.Equal(s.Ok("addr_before").Output, s.Ok("addr_after").Output);
        Assert.Equal(s.Ok("routes_before").Output, s.Ok("routes_after").Output);
        // Nothing of topo's under /run/netns or /etc/netns: only the test's own outside namespace.
        Assert.Equal("/etc/netns:\n\n/run/netns:\noutside\n", s.Ok("netns").Output);
    }

    [Fact]
    public void Macvlan_on_a_physical_parent_gives_static_and_allocated_addresses_outside_the_excluded_ones()
    {
        var s = SandboxShell.Run($"""
            step apply $TOPO apply {Example("macvlan")}
            step c1 ip -n centos01 -j -d link show eth0
            step c1addr ip -n centos01 -j addr show
            step c2addr ip -n centos02 -j addr show
            """);
        s.Ok("apply");
        var link = s.Ok("c1").Json()[0];
        Assert.Equal("macvlan", link.GetProperty("linkinfo").GetProperty("info_kind").GetString());
        Assert.Equal("bridge", link.GetProperty("linkinfo").GetProperty("info_data").GetProperty("mode").GetString());
        Assert.Equal(["172.21.1.2/24"], Addresses(s.Ok("c1addr").Json(), "eth0"));
        // Dynamic addresses come from ip_range 172.21.1.128/25 only.
        Assert.Equal(["172.21.1.128/24"], Addresses(s.Ok("c2addr").Json(), "eth0"));
    }

    [Fact]
    public void State_snapshot_of_a_converged_host_plans_to_nothing_offline_and_ls_lists_it()
    {
        var s = SandboxShell.Run($"""
            $TOPO apply {Example("wordpress")} >/dev/null
            step state $TOPO state
            $TOPO state > /tmp/topo-state.$$
            step offline $TOPO plan {Example("wordpress")} --state /tmp/topo-state.$$ --detailed-exitcode
            step offline_other $TOPO plan {Example("modes")} --state /tmp/topo-state.$$ --format json
            rm -f /tmp/topo-state.$$
            step ls $TOPO ls
            """);
        var state = s.Ok("state").Json();
        Assert.Equal("topo-state", state.GetProperty("format").GetString());
        Assert.Contains(state.GetProperty("namespaces").EnumerateArray(), n => n.GetProperty("name").GetString() == "wordpress");
        s.Ok("offline"); // exit 0: the snapshot is the converged host
        // Another project planned against the snapshot shares topo0 and takes the next free address.
        Assert.Contains("172.17.0.3/16", s.Ok("offline_other").Output);
        var ls = s.Ok("ls").Output;
        Assert.Matches(@"internal\s+wordpress\s+bridge\s+br-[0-9a-f]{12}\s+192\.168\.1\.0/24\s+2", ls);
        Assert.Matches(@"wordpress\s+wordpress\s+wordpress\s+internal=192\.168\.1\.3, bridge=172\.17\.0\.2", ls);
    }
}
