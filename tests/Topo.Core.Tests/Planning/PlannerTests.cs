using Topo.Core.Addressing;
using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Spec;
using Topo.Core.Tests.Support;

namespace Topo.Core.Tests.Planning;

public sealed class PlannerTests
{
    private static SpecBuilder Wordpress() => new SpecBuilder("wordpress")
        .Network("internal", "192.168.1.0/24", @internal: true)
        .Container("mariadb", SpecBuilder.Attach("internal", "192.168.1.10"))
        .Container("wordpress", "internal", "bridge");

    [Fact]
    public void A_bridge_made_again_gets_its_own_settings_again()
    {
        var spec = new SpecBuilder("p").Network("lan").Container("a", "lan").Build();
        var host = Pipeline.Converge(spec);
        var bridge = host.Links.Single(l => l.Type == LinkKind.Bridge);
        // Something else of that name now: the bridge is replaced, and comes back with the kernel's defaults.
        var changed = host with { Links = [.. host.Links.Select(l => l == bridge ? l with { Type = LinkKind.Vxlan } : l)] };

        var plan = Pipeline.Plan(spec, changed);

        Assert.Contains(plan.Actions, a => a.Kind == ActionKind.Replace && a.Subject is LinkState { Type: LinkKind.Bridge });
        Assert.Contains(plan.Actions, a => a.Kind == ActionKind.Create && a.Subject is SysctlState s && s.Name == $"net.ipv6.conf.{bridge.Name}.accept_ra");
        // The kernel's default the new bridge comes with is set again: nothing left to do about it.
        Assert.DoesNotContain(Pipeline.Plan(spec, PlanSimulator.Apply(changed, plan)).Actions, a => a.Subject is SysctlState);
    }

    [Fact]
    public void From_scratch_creates_namespaces_bridges_veths_addresses_routes_and_forwarding()
    {
        var plan = Pipeline.Plan(Wordpress().Build());
        Assert.Equal(
            """
            + sysctl host net.ipv4.ip_forward
            + namespace mariadb
            + namespace wordpress
            + link topo0
            + link br-69592abc66a9
            + link vethb1fed0b
            + link veth6b602c2
            + link vethb139b81
            + sysctl host net.ipv6.conf.br-69592abc66a9.accept_ra
            + sysctl host net.ipv6.conf.topo0.accept_ra
            + address topo0 172.17.0.1/16
            + address br-69592abc66a9 192.168.1.1/24
            + address mariadb/eth0 192.168.1.10/24
            + address wordpress/eth0 192.168.1.2/24
            + address wordpress/eth1 172.17.0.2/16
            + route mariadb default
            + route wordpress default
            """.Replace("\r", ""), Pipeline.Lines(plan with { Actions = [.. plan.Actions.Where(a => FirewallTableState.TableOf(a.Subject) is null && a.Subject is not NamespaceFileState)] }));
        // Then each container's resolv.conf and hosts, each after its namespace.
        Assert.Equal(
            ["+ file mariadb/hosts", "+ file mariadb/resolv.conf", "+ file wordpress/hosts", "+ file wordpress/resolv.conf"],
            plan.Actions.Where(a => a.Subject is NamespaceFileState).Select(a => $"{a.Symbol} {a.Subject.Display}"));
        foreach (var file in plan.Actions.Where(a => a.Subject is NamespaceFileState))
        {
            var ns = plan.Actions.Single(a => a.Subject is NamespaceState n && n.Name == file.Subject.Namespace);
            Assert.Equal([ns.Id], file.DependsOn);
        }
        // Then the project's firewall, last: one table, its base chains and sets, its rules, and
        // the elements of what the topology has.
        var firewall = plan.Actions.SkipWhile(a => a.Subject is not FirewallTableState).ToList();
        Assert.Equal("+ firewall table inet topo-wordpress", $"{firewall[0].Symbol} {firewall[0].Subject.Display}");
        Assert.All(firewall, a => Assert.NotNull(FirewallTableState.TableOf(a.Subject)));
        Assert.Contains(firewall, a => a.Subject is FirewallRuleState { Comment: "topo:wordpress:firewall:wordpress masquerade" });
        Assert.Contains(firewall, a => a.Subject is FirewallElementState { Set: "masquerading", Element: "\"topo0\" . 172.17.0.0/16", Comment: "topo:-:network:bridge masquerade" });
        Assert.Equal(plan.Actions.Length, plan.ToAdd);
    }

    [Fact]
    public void Veth_peer_and_namespace_loopback_are_created_by_the_same_action()
    {
        var plan = Pipeline.Plan(Wordpress().Build());
        var veth = plan.Actions.First(a => a.After is LinkState { Type: LinkKind.Veth });
        var peer = Assert.IsType<LinkState>(Assert.Single(veth.Includes));
        Assert.Equal(((LinkState)veth.After!).Peer, peer.Ref);
        var ns = plan.Actions.First(a => a.After is NamespaceState);
        Assert.Equal("lo", Assert.IsType<LinkState>(Assert.Single(ns.Includes)).Name);
    }

    [Fact]
    public void Actions_depend_on_what_they_reference()
    {
        var plan = Pipeline.Plan(Wordpress().Build());
        int Id(Func<PlanAction, bool> f) => plan.Actions.Single(f).Id;
        var route = plan.Actions.Single(a => a.After is RouteState { Namespace: "wordpress" });
        var ns = Id(a => a.After is NamespaceState { Name: "wordpress" });
        var address = Id(a => a.After is AddressState { Namespace: "wordpress", Link: var l } && l == ((RouteState)route.After!).Device);
        Assert.Contains(ns, route.DependsOn);
        Assert.Contains(address, route.DependsOn);
        Assert.All(plan.Actions, a => Assert.All(a.DependsOn, d => Assert.True(d < a.Id)));
    }

    [Fact]
    public void A_converged_host_gets_an_empty_plan()
    {
        var host = Pipeline.Converge(Wordpress().Build());
        var plan = Pipeline.Plan(Wordpress().Build(), host);
        Assert.True(plan.IsEmpty, Pipeline.Lines(plan));
    }

    [Fact]
    public void Adding_a_network_to_a_running_container_creates_only_its_new_interface_and_rewrites_the_hosts_files_that_list_it()
    {
        var before = new SpecBuilder("p").Network("a").Network("b").Container("c", "a").Container("d", "a", "b");
        var host = Pipeline.Converge(before.Build());
        var after = new SpecBuilder("p").Network("a").Network("b").Container("c", "a", "b").Container("d", "a", "b");
        var plan = Pipeline.Plan(after.Build(), host);
        // c's own file gains its address on b; d, on b too, gains c's.
        Assert.Equal(
            $"+ link {Topo.Core.Resolution.Naming.HostVethName("p", "c", "b")}\n+ address c/eth1 172.19.0.3/16\n~ file c/hosts\n~ file d/hosts",
            Pipeline.Lines(plan));
    }

    /// <summary>
    /// The namespace takes its veths along, host ends included: the kernel unregisters a dying
    /// namespace's devices in one batch, where deleting each veth first costs a network
    /// synchronisation apiece. The host end is in the plan as going with it.
    /// </summary>
    [Fact]
    public void Removing_a_container_deletes_its_namespace_which_takes_its_veths_and_nothing_else()
    {
        var host = Pipeline.Converge(Wordpress().Build());
        var plan = Pipeline.Plan(Wordpress().WithoutContainer("mariadb").Build(), host);
        // mariadb's files go with its namespace; wordpress's hosts file no longer lists it.
        Assert.Equal("- namespace mariadb\n~ file wordpress/hosts", Pipeline.Lines(plan));
        var veth = Topo.Core.Resolution.Naming.HostVethName("wordpress", "mariadb", "internal");
        Assert.Equal([veth], plan.Actions[0].Includes.Select(r => r.Key));
        var after = PlanSimulator.Apply(host, plan);
        Assert.Null(after.FindLink(new LinkRef(HostState.Host, veth)));
        Assert.Null(after.FindLink(new LinkRef("mariadb", "eth0")));
        Assert.True(Planner.Plan("wordpress", Pipeline.Resolve(Wordpress().WithoutContainer("mariadb").Build(), after).Desired, after).Plan!.IsEmpty);
    }

    /// <summary>A container that stays but leaves a network still has its veth deleted: its namespace stays.</summary>
    [Fact]
    public void Leaving_a_network_deletes_the_veth()
    {
        var before = new SpecBuilder("p").Network("a").Network("b").Container("c", "a", "b");
        var host = Pipeline.Converge(before.Build());
        var plan = Pipeline.Plan(new SpecBuilder("p").Network("a").Network("b").Container("c", "a").Build(), host);
        Assert.Equal($"- link {Topo.Core.Resolution.Naming.HostVethName("p", "c", "b")}\n~ file c/hosts", Pipeline.Lines(plan));
    }

    [Fact]
    public void Mtu_changes_in_place_and_a_kind_change_replaces()
    {
        var host = Pipeline.Converge(new SpecBuilder("p").Network("n").Container("c", "n").Build());
        var plan = Pipeline.Plan(new SpecBuilder("p").Network("n", mtu: 9000).Container("c", "n").Build(), host);
        Assert.All(plan.Actions, a => Assert.Equal(ActionKind.Update, a.Kind));
        Assert.Contains(plan.Actions, a => a.Changes.Any(c => c is { Attribute.Kind: AttributeKind.Mtu, Before: "1500", After: "9000" }));

        var bridge = host.Links.Single(l => l.Type == LinkKind.Bridge);
        var odd = host with { Links = host.Links.Replace(bridge, bridge with { Type = LinkKind.Vxlan }) };
        var replace = Pipeline.Plan(new SpecBuilder("p").Network("n").Container("c", "n").Build(), odd);
        var action = Assert.Single(replace.Actions, a => a.Kind == ActionKind.Replace);
        Assert.Contains(action.Changes, c => c is { Attribute.Kind: AttributeKind.Type, ForcesReplace: true });
        // The bridge's address and the port's master come back with the re-created bridge.
        Assert.Contains(replace.Actions, a => a is { Kind: ActionKind.Create, After: AddressState { Link: var l } } && l == bridge.Name);
    }

    private static TopologyFile OneContainer(string ipv4) =>
        new SpecBuilder("p").Network("n", "10.0.0.0/24").Container("c", SpecBuilder.Attach("n", ipv4)).Build();

    [Fact]
    public void Changing_a_static_address_moves_it_and_makes_the_route_again_that_the_kernel_drops_with_the_old_one()
    {
        var host = Pipeline.Converge(OneContainer("10.0.0.5"));
        // A route of the project that the topology no longer has, through the same interface.
        var stray = new RouteState("c", Ipv4Prefix.Parse("192.168.77.0/24")) { Device = "eth0", Owner = host.Routes.Single(r => r.Namespace == "c").Owner };
        host = host with { Routes = host.Routes.Add(stray) };
        var plan = Pipeline.Plan(OneContainer("10.0.0.6"), host);
        // eth0 is left with no IPv4 address between the delete and the add: the kernel drops every
        // route through it then, so the default route is made again and the stray one needs no delete.
        Assert.Equal("- address c/eth0 10.0.0.5/24\n~ link c/eth0\n+ address c/eth0 10.0.0.6/24\n+ route c default\n~ file c/hosts", Pipeline.Lines(plan));
        Assert.Contains(plan.Actions[1].Changes, c => c is { Attribute.Kind: AttributeKind.Mac, After: "02:42:0a:00:00:06" });
        var route = plan.Actions[3];
        Assert.Equal("made again: c/eth0 loses its last IPv4 address, and the kernel drops its routes with it: default route of container 'c'", route.Reason);
        Assert.Contains(plan.Actions[2].Id, route.DependsOn); // after the new address
        // The simulated kernel agrees: applying the plan converges.
        Assert.True(Pipeline.Plan(OneContainer("10.0.0.6"), PlanSimulator.Apply(host, plan)).IsEmpty);
    }

    /// <summary>
    /// Found by the differential test against the kernel: a default route moving onto a new
    /// interface from one that stays is still on the host, so it is replaced in place; a create
    /// failed with "File exists".
    /// </summary>
    [Fact]
    public void A_default_route_moving_onto_a_new_interface_is_replaced_in_place()
    {
        var host = Pipeline.Converge(new SpecBuilder("p").Network("n").Container("c", "n").Build());
        var moved = new SpecBuilder("p").Network("n", @internal: true).Container("c", "n", "bridge").Build();
        var plan = Pipeline.Plan(moved, host);
        var route = Assert.Single(plan.Actions, a => a.Subject is RouteState);
        Assert.Equal(ActionKind.Update, route.Kind);
        Assert.Contains(route.Changes, c => c is { Attribute.Kind: AttributeKind.Dev, Before: "eth0", After: "eth1" });
        Assert.True(Pipeline.Plan(moved, PlanSimulator.Apply(host, plan)).IsEmpty);
    }

    [Fact]
    public void Routes_are_left_alone_while_their_interface_keeps_an_address()
    {
        var host = Pipeline.Converge(OneContainer("10.0.0.5"));

        // Nothing about the interface's addresses changes: an MTU change touches only links.
        var mtu = Pipeline.Plan(new SpecBuilder("p").Network("n", "10.0.0.0/24", mtu: 9000).Container("c", SpecBuilder.Attach("n", "10.0.0.5")).Build(), host);
        Assert.NotEmpty(mtu.Actions);
        Assert.DoesNotContain(mtu.Actions, a => a.Subject is RouteState);

        // An extra address goes, but the wanted one stays: the kernel keeps the routes.
        var extra = host with { Addresses = host.Addresses.Add(new AddressState("c", "eth0", Ipv4Prefix.Parse("10.9.0.5/24")) { Owner = host.Addresses.Single(a => a.Namespace == "c").Owner }) };
        Assert.Equal("- address c/eth0 10.9.0.5/24", Pipeline.Lines(Pipeline.Plan(OneContainer("10.0.0.5"), extra)));

        // Another interface is renumbered: the default route through eth0 is not its concern.
        var two = new SpecBuilder("p").Network("n", "10.0.0.0/24").Network("m", "10.1.0.0/24");
        var twoHost = Pipeline.Converge(two.Container("c", SpecBuilder.Attach("n", "10.0.0.5"), SpecBuilder.Attach("m", "10.1.0.5")).Build());
        var renumbered = Pipeline.Plan(new SpecBuilder("p").Network("n", "10.0.0.0/24").Network("m", "10.1.0.0/24")
            .Container("c", SpecBuilder.Attach("n", "10.0.0.5"), SpecBuilder.Attach("m", "10.1.0.6")).Build(), twoHost);
        Assert.Equal("eth0", twoHost.Routes.Single(r => r.Namespace == "c").Device);
        Assert.Equal("- address c/eth1 10.1.0.5/24\n~ link c/eth1\n+ address c/eth1 10.1.0.6/24\n~ file c/hosts", Pipeline.Lines(renumbered));
    }

    [Fact]
    public void A_route_moving_off_an_interface_that_loses_its_address_is_made_again_and_one_moving_onto_it_is_replaced()
    {
        TopologyFile Spec(string eth0, int eth1Priority) => new SpecBuilder("p").Network("n", "10.0.0.0/24").Network("m", "10.1.0.0/24")
            .Container("c", SpecBuilder.Attach("n", eth0), SpecBuilder.Attach("m", "10.1.0.5", eth1Priority)).Build();

        // Default route on eth0, whose address changes while the route moves to eth1: gone with
        // eth0's address, so it is created (an in-place change would find nothing to change).
        var onEth0 = Pipeline.Converge(Spec("10.0.0.5", 0));
        var off = Pipeline.Plan(Spec("10.0.0.6", 1), onEth0);
        Assert.Contains(off.Actions, a => a is { Kind: ActionKind.Create, After: RouteState { Device: "eth1" } });
        Assert.True(Pipeline.Plan(Spec("10.0.0.6", 1), PlanSimulator.Apply(onEth0, off)).IsEmpty);

        // Default route on eth1, which keeps its address: the kernel keeps it, so it is changed in
        // place (a create would find it there).
        var onEth1 = Pipeline.Converge(Spec("10.0.0.5", 1));
        var onto = Pipeline.Plan(Spec("10.0.0.6", 0), onEth1);
        Assert.Contains(onto.Actions, a => a is { Kind: ActionKind.Update, After: RouteState { Device: "eth0" } });
        Assert.True(Pipeline.Plan(Spec("10.0.0.6", 0), PlanSimulator.Apply(onEth1, onto)).IsEmpty);
    }

    [Fact]
    public void A_foreign_bridge_with_the_chosen_name_is_an_error_and_nothing_is_planned()
    {
        var foreign = HostState.From([new LinkState(HostState.Host, "bridge2", LinkKind.Bridge) { Up = true }]);
        var spec = new SpecBuilder("p").Network("n", bridgeName: "bridge2").Container("c", "n").Build();
        var result = Planner.Plan("p", Pipeline.Resolve(spec, foreign).Desired, foreign);
        Assert.Null(result.Plan);
        var error = Assert.Single(result.Errors);
        Assert.Contains("interface bridge2 already exists and was not created by topo", error.Message);
    }

    [Fact]
    public void A_foreign_interface_with_a_veths_name_gets_advice_for_a_veth_not_bridge_name()
    {
        var veth = Topo.Core.Resolution.Naming.HostVethName("p", "c", "n");
        var foreign = HostState.From([new LinkState(HostState.Host, veth, LinkKind.Veth) { Up = true }]);
        var spec = new SpecBuilder("p").Network("n").Container("c", "n").Build();
        var error = Assert.Single(Planner.Plan("p", Pipeline.Resolve(spec, foreign).Desired, foreign).Errors);
        Assert.Equal(
            $"error: interface {veth} already exists and was not created by topo (it has no topo label); topo never changes what it does not own: " +
            "the name of a container's host-side veth comes from project/container/network: rename the container 'c' or the network 'n', or remove that interface yourself",
            error.ToString());
    }

    [Fact]
    public void A_foreign_interface_inside_the_containers_namespace_gets_advice_to_remove_it_there()
    {
        var host = Pipeline.Converge(new SpecBuilder("p").Container("c", "bridge").Build());
        host = host with
        {
            Links = [.. host.Links.Where(l => l.Namespace != "c" || l.Name != "eth1"), new LinkState("c", "eth1", LinkKind.Other) { Up = true }],
        };
        var spec = new SpecBuilder("p").Network("n").Container("c", "bridge", "n").Build();
        var error = Assert.Single(Planner.Plan("p", Pipeline.Resolve(spec, host).Desired, host).Errors);
        Assert.Equal(
            "error: interface c/eth1 already exists and was not created by topo (it has no topo label); topo never changes what it does not own: " +
            "remove it from the container's namespace yourself (ip -n c link delete eth1)",
            error.ToString());
    }

    [Fact]
    public void The_default_bridge_is_called_the_shared_default_bridge_not_project_dash()
    {
        var host = Pipeline.Converge(new SpecBuilder("other").Container("web").Build());
        // Validation refuses bridge_name topo0 on a user network; this checks the planner's own words.
        var spec = new SpecBuilder("mine").Network("n", bridgeName: "topo0").Container("c", "n").Build();
        var result = Planner.Plan("mine", Pipeline.Resolve(spec, host).Desired, host);
        var error = Assert.Single(result.Errors, e => e.Message.Contains("topo0"));
        Assert.Equal(
            "error: interface topo0 already exists and is the shared default bridge (network 'bridge' of every project); " +
            "topo never changes what it does not own: choose another name (bridge_name)",
            error.ToString());
        Assert.DoesNotContain("'-'", string.Join("\n", result.Errors));
    }

    [Fact]
    public void Another_projects_namespace_is_never_taken_over()
    {
        var other = Pipeline.Converge(new SpecBuilder("other").Container("web").Build());
        var spec = new SpecBuilder("mine").Container("web").Build();
        var result = Planner.Plan("mine", Pipeline.Resolve(spec, other).Desired, other);
        var error = Assert.Single(result.Errors); // not one more for each interface inside it
        Assert.Equal("error: namespace 'web' already exists and belongs to project 'other'; topo never changes what it does not own: " +
            "rename the container, or remove that namespace yourself", error.ToString());
    }

    [Fact]
    public void Foreign_objects_are_left_alone()
    {
        var host = HostState.From([
            new LinkState(HostState.Host, "eth0", LinkKind.Other) { Up = true },
            new AddressState(HostState.Host, "eth0", Ipv4Prefix.Parse("10.10.10.26/24")),
            new RouteState(HostState.Host, Ipv4Prefix.Parse("0.0.0.0/0")) { Gateway = Ipv4Address.Parse("10.10.10.1"), Device = "eth0" },
        ]);
        var plan = Pipeline.Plan(new SpecBuilder("p").Build(), host);
        Assert.True(plan.IsEmpty);
    }

    [Fact]
    public void The_shared_default_bridge_stays_while_another_project_uses_it()
    {
        var host = Pipeline.Converge(new SpecBuilder("a").Container("one").Build());
        host = Pipeline.Converge(new SpecBuilder("b").Container("two").Build(), host);
        Assert.Equal("172.17.0.3", host.Addresses.Single(a => a.Namespace == "two").Address.Address.ToString());

        var destroyA = Pipeline.Plan(new SpecBuilder("a").Build(), host);
        Assert.DoesNotContain(destroyA.Actions, a => a.Subject is LinkState { Name: "topo0" });
        host = PlanSimulator.Apply(host, destroyA);
        var destroyB = Pipeline.Plan(new SpecBuilder("b").Build(), host);
        Assert.Contains(destroyB.Actions, a => a is { Kind: ActionKind.Delete, Subject: LinkState { Name: "topo0" } });
    }

    [Fact]
    public void Removing_a_network_that_a_foreign_interface_is_still_attached_to_is_refused_naming_it()
    {
        var host = Pipeline.Converge(new SpecBuilder("p").Network("n").Container("c", "n").Build());
        var bridge = host.Links.Single(l => l.Type == LinkKind.Bridge);
        host = host with { Links = host.Links.Add(new LinkState(HostState.Host, "tap0", LinkKind.Other) { Master = bridge.Name }) };
        var result = Planner.Plan("p", HostState.Empty, host);
        var error = Assert.Single(result.Errors);
        Assert.Contains("network 'n' cannot be removed: interface tap0 (not topo's) still attached", error.Message);
    }

    [Fact]
    public void Drift_is_repaired_a_deleted_veth_is_recreated_with_its_address_and_route()
    {
        var spec = new SpecBuilder("p").Network("n").Container("c", "n").Build();
        var host = Pipeline.Converge(spec);
        var veth = host.Links.Single(l => l.Namespace == HostState.Host && l.Type == LinkKind.Veth);
        var drifted = HostState.From(host.All().Where(r =>
            r is not LinkState { Type: LinkKind.Veth } &&
            !(r is AddressState a && a.Namespace == "c") && !(r is RouteState rt && rt.Namespace == "c")));
        var plan = Pipeline.Plan(spec, drifted);
        Assert.Equal($"+ link {veth.Name}\n+ address c/eth0 172.17.0.2/16\n+ route c default", Pipeline.Lines(plan).Replace("172.18", "172.17"));
    }
}

public sealed class PlannerOrderTests
{
    [Fact]
    public void A_shared_namespace_name_is_made_after_and_removed_before_the_namespace_it_points_at()
    {
        var spec = new SpecBuilder("p").Container("web").Mode("shell", Topo.Core.Spec.NetworkModeKind.Container, "web").Build();
        var plan = Pipeline.Plan(spec);
        var web = plan.Actions.Single(a => a.Subject is NamespaceState { Name: "web" });
        var shell = plan.Actions.Single(a => a.Subject is NamespaceState { Name: "shell" });
        Assert.True(web.Id < shell.Id);
        Assert.Contains(web.Id, shell.DependsOn);

        var destroy = Pipeline.Plan(new SpecBuilder("p").Build(), Pipeline.Converge(spec));
        var deleteWeb = destroy.Actions.Single(a => a.Subject is NamespaceState { Name: "web" });
        var deleteShell = destroy.Actions.Single(a => a.Subject is NamespaceState { Name: "shell" });
        Assert.True(deleteShell.Id < deleteWeb.Id);
    }
}
