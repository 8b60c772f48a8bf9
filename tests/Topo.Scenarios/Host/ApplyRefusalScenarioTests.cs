using Topo.Scenarios.Support;

namespace Topo.Scenarios.Host;

/// <summary>
/// The topo binary against a sandbox host: what apply refuses or cannot do (objects it does not
/// own, a kernel error mid-way, a missing kernel feature) is said before or as it happens, and the
/// host is left as it was.
/// </summary>
public sealed class ApplyRefusalScenarioTests
{
    private static string Example(string name) => Repo.PathOf($"examples/{name}.yaml");

    [Fact]
    public void A_foreign_bridge_with_the_wanted_name_is_reported_before_any_change_and_left_alone()
    {
        var s = SandboxShell.Run($"""
            ip link add bridge2 type bridge
            settle
            step before ip -j -d link show
            step apply $TOPO apply {Example("user-bridge")}
            step after ip -j -d link show
            step netns ip netns list
            """);
        var apply = s["apply"];
        Assert.Equal(1, apply.ExitCode);
        Assert.Contains("interface bridge2 already exists and was not created by topo", apply.Output);
        Assert.Equal(s.Ok("before").Output, s.Ok("after").Output);
        Assert.Empty(s.Ok("netns").Namespaces());
    }

    [Fact]
    public void A_foreign_namespace_with_a_containers_name_is_reported_before_any_change()
    {
        var s = SandboxShell.Run($"""
            ip netns add wordpress
            settle
            step before ip -j -d link show
            step plan $TOPO plan {Example("wordpress")}
            step apply $TOPO apply {Example("wordpress")}
            step after ip -j -d link show
            step netns ip netns list
            """);
        Assert.Equal(1, s["plan"].ExitCode);
        var apply = s["apply"];
        Assert.Equal(1, apply.ExitCode);
        Assert.Contains("namespace 'wordpress' already exists and was not created by topo", apply.Output);
        Assert.Equal(s.Ok("before").Output, s.Ok("after").Output);
        Assert.Equal(["wordpress"], s.Ok("netns").Namespaces());
    }

    [Fact]
    public void A_container_namespace_that_lost_its_label_is_refused_and_left_as_it_is()
    {
        // Its lo alias removed by hand: the namespace is no longer provably topo's.
        var s = SandboxShell.Run($"""
            $TOPO apply {Example("wordpress")} >/dev/null
            ip -n mariadb link set lo alias ""
            settle
            step before sh -c 'ip -j link show; ip -n mariadb -j addr show; ip -n mariadb -j route show'
            step apply $TOPO apply {Example("wordpress")}
            step after sh -c 'ip -j link show; ip -n mariadb -j addr show; ip -n mariadb -j route show'
            step destroy $TOPO destroy {Example("wordpress")}
            step netns ip netns list
            """);
        var apply = s["apply"];
        Assert.Equal(1, apply.ExitCode);
        Assert.Contains("namespace 'mariadb' already exists and was not created by topo", apply.Output);
        Assert.DoesNotContain("rolled back", apply.Output);
        Assert.Equal(s.Ok("before").Output, s.Ok("after").Output);
        // Destroy takes what is provably the project's and leaves the unlabelled namespace.
        s.Ok("destroy");
        Assert.Equal(["mariadb"], s.Ok("netns").Namespaces());
    }

    [Fact]
    public void Removing_a_network_a_foreign_interface_still_uses_is_refused_naming_it()
    {
        var before = TempSpec.Write("""
            version: 1
            name: inuse
            networks:
              back: {subnet: 10.40.0.0/24, bridge_name: back0}
            containers:
              db: {networks: [back]}
            """);
        var after = TempSpec.Write("""
            version: 1
            name: inuse
            containers: {}
            """);
        var s = SandboxShell.Run($"""
            $TOPO apply {before} >/dev/null
            ip link add tap9 type veth peer name tap9p
            ip link set tap9 master back0
            step apply $TOPO apply {after}
            step netns ip netns list
            """);
        var apply = s["apply"];
        Assert.Equal(1, apply.ExitCode);
        Assert.Contains("network 'back' cannot be removed: interface tap9 (not topo's) still attached to bridge back0", apply.Output);
        Assert.Equal(["db"], s.Ok("netns").Namespaces()); // refused before any change
    }

    [Fact]
    public void A_kernel_error_mid_apply_names_the_step_and_what_was_rolled_back()
    {
        // A host veth name already taken as an altname: invisible to the plan, refused by the kernel.
        var s = SandboxShell.Run($"""
            name=$($TOPO plan {Example("wordpress")} --format json | python3 -c 'import json,sys; print([a["resource"]["key"] for a in json.load(sys.stdin)["actions"] if a["resource"]["key"].startswith("veth")][0])')
            ip link property add dev uplink0 altname $name
            step apply $TOPO apply {Example("wordpress")}
            step netns ip netns list
            step links ip -br link show
            """);
        var apply = s["apply"];
        Assert.Equal(1, apply.ExitCode);
        Assert.Matches(@"error: apply failed at step \d+: create link veth[0-9a-f]{7}", apply.Output);
        Assert.Contains("File exists", apply.Output);
        Assert.Contains("were rolled back", apply.Output);
        Assert.Empty(s.Ok("netns").Namespaces());
        Assert.DoesNotContain("topo0", s.Ok("links").Output);
    }

    [Fact]
    public void A_vlan_parent_on_a_kernel_without_8021q_fails_with_the_kernels_message()
    {
        var s = SandboxShell.Run($"""
            step apply $TOPO apply {Example("macvlan-vlan")}
            step netns ip netns list
            """);
        var apply = s["apply"];
        if (apply.ExitCode == 0) Assert.Skip("this kernel has 802.1Q VLAN support");
        Assert.Contains("the kernel lacks 802.1Q VLAN support", apply.Output);
        // The kernel's own words, said once (the error's text carries them already).
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(apply.Output, "Unknown device type"));
        Assert.Empty(s.Ok("netns").Namespaces());
    }
}
