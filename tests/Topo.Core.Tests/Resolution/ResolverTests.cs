using Topo.Core.Composition;
using Topo.Core.Addressing;
using Topo.Core.Model;
using Topo.Core.Spec;
using Topo.Core.Resolution;
using Topo.Core.Tests.Support;
using static Topo.Core.Tests.Support.SpecBuilder;

namespace Topo.Core.Tests.Resolution;

public sealed class ResolverTests
{
    [Fact]
    public void Container_without_networks_joins_the_default_bridge_like_docker()
    {
        var t = Pipeline.Resolve(new SpecBuilder().Container("webserver").Build());
        var bridge = Assert.Single(t.Networks);
        Assert.Equal(("bridge", "topo0", "172.17.0.0/16", "172.17.0.1"),
            (bridge.Name, bridge.BridgeName, bridge.Subnet.ToString(), bridge.Gateway.ToString()));
        Assert.False(bridge.Dns);
        var e = Assert.Single(Assert.Single(t.Containers).Endpoints);
        Assert.Equal(("eth0", "172.17.0.2", "02:42:ac:11:00:02"), (e.Interface, e.Address.ToString(), e.Mac.ToString()));
        Assert.True(e.DefaultRoute);
    }

    [Fact]
    public void User_bridge_gets_a_hashed_name_the_first_usable_gateway_and_embedded_dns()
    {
        var t = Pipeline.Resolve(new SpecBuilder("wp").Network("bridge1", "192.168.1.0/24").Container("a", "bridge1").Build());
        var n = Assert.Single(t.Networks);
        Assert.Matches("^br-[0-9a-f]{12}$", n.BridgeName);
        Assert.Equal("192.168.1.1", n.Gateway.ToString());
        Assert.True(n.Dns);
        Assert.Equal("192.168.1.2", t.Containers[0].Endpoints[0].Address.ToString());
    }

    [Fact]
    public void Names_are_deterministic_and_fit_ifnamsiz()
    {
        var spec = new SpecBuilder("a-very-long-project-name").Network("a-very-long-network-name").Container("c", "a-very-long-network-name").Build();
        var one = Pipeline.Resolve(spec);
        var two = Pipeline.Resolve(spec);
        Assert.Equal(one.Desired.Links.Select(l => l.Name), two.Desired.Links.Select(l => l.Name));
        Assert.All(one.Desired.Links, l => Assert.InRange(l.Name.Length, 1, Naming.MaxInterfaceName));
    }

    [Fact]
    public void Pools_skip_subnets_already_used_on_the_host_in_dockers_order()
    {
        var observed = HostState.From([
            new AddressState(HostState.Host, "eth0", Ipv4Prefix.Parse("172.17.5.9/16")),
            new RouteState(HostState.Host, Ipv4Prefix.Parse("172.18.0.0/15")) { Device = "eth0" },
        ]);
        var t = Pipeline.Resolve(new SpecBuilder().Network("n1").Network("n2").Container("c", "n1", "n2").Build(), observed);
        Assert.Equal(["172.20.0.0/16", "172.21.0.0/16"], t.Networks.Select(n => n.Subnet.ToString()));
    }

    [Fact]
    public void After_the_172_pools_come_192_168_slash_20s()
    {
        var b = new SpecBuilder();
        for (var i = 0; i < 17; i++) b.Network($"n{i}");
        var t = Pipeline.Resolve(b.Build());
        // 172.17 is the default bridge's: user networks take 172.18 … 172.31, fourteen of them.
        Assert.Equal("172.18.0.0/16", t.Networks[0].Subnet.ToString());
        Assert.Equal("172.31.0.0/16", t.Networks[13].Subnet.ToString());
        Assert.Equal("192.168.0.0/20", t.Networks[14].Subnet.ToString());
        Assert.Equal("192.168.16.0/20", t.Networks[15].Subnet.ToString());
    }

    /// <summary>
    /// Docker: docker0 always holds 172.17.0.0/16 and a first user network gets 172.18.0.0/16.
    /// So whichever project applies first, the default bridge is 172.17 — unless a foreign
    /// interface already holds it, and then the default bridge takes the next free pool.
    /// </summary>
    [Fact]
    public void The_first_pool_is_kept_for_the_default_bridge()
    {
        var userOnly = Pipeline.Resolve(new SpecBuilder("a").Network("n").Container("c", "n").Build());
        Assert.Equal("172.18.0.0/16", userOnly.FindNetwork("n")!.Subnet.ToString());

        var both = Pipeline.Resolve(new SpecBuilder("b").Network("n").Container("c", "n", "bridge").Build());
        Assert.Equal("172.17.0.0/16", both.FindNetwork("bridge")!.Subnet.ToString());
        Assert.Equal("172.18.0.0/16", both.FindNetwork("n")!.Subnet.ToString());

        var docker = HostState.From([new AddressState(HostState.Host, "docker0", Ipv4Prefix.Parse("172.17.0.1/16"))]);
        var next = Pipeline.Resolve(new SpecBuilder("b").Network("n").Container("c", "n", "bridge").Build(), docker);
        Assert.Equal("172.18.0.0/16", next.FindNetwork("bridge")!.Subnet.ToString());
        Assert.Equal("172.19.0.0/16", next.FindNetwork("n")!.Subnet.ToString());
    }

    [Fact]
    public void Ipam_honours_static_addresses_aux_addresses_and_the_ip_range()
    {
        var spec = new SpecBuilder()
            .Network("net", "10.1.0.0/24", ipRange: "10.1.0.128/25", aux: ["10.1.0.128", "10.1.0.130"])
            .Container("fixed", Attach("net", "10.1.0.129"))
            .Container("one", "net").Container("two", "net").Build();
        var t = Pipeline.Resolve(spec);
        Assert.Equal(["10.1.0.129", "10.1.0.131", "10.1.0.132"],
            t.Containers.Select(c => c.Endpoints[0].Address.ToString()));
    }

    [Fact]
    public void With_an_ip_range_the_gateway_is_the_ranges_first_address_unless_the_bridge_already_has_one()
    {
        var spec = new SpecBuilder().Network("net", "10.30.0.0/24", ipRange: "10.30.0.128/25").Container("web", "net").Build();
        var fresh = Pipeline.Resolve(spec);
        Assert.Equal("10.30.0.128", fresh.FindNetwork("net")!.Gateway.ToString()); // Docker's choice
        Assert.Equal("10.30.0.129", fresh.Containers[0].Endpoints[0].Address.ToString());

        // A bridge made when topo gave .1 (and web .128) keeps its gateway: nothing moves under web.
        var converged = Pipeline.Converge(spec);
        var bridge = converged.Addresses.Single(a => a.Namespace == HostState.Host && a.Link == fresh.FindNetwork("net")!.BridgeName);
        var web = converged.Addresses.Single(a => a.Namespace != HostState.Host && a.Link == "eth0");
        var older = converged with
        {
            Addresses = [.. converged.Addresses.Select(a =>
                a == bridge ? a with { Address = Ipv4Prefix.Parse("10.30.0.1/24") } :
                a == web ? a with { Address = Ipv4Prefix.Parse("10.30.0.128/24") } : a)],
        };
        var kept = Pipeline.Resolve(spec, older);
        Assert.Equal("10.30.0.1", kept.FindNetwork("net")!.Gateway.ToString());
        Assert.Equal("10.30.0.128", kept.Containers[0].Endpoints[0].Address.ToString());
        Assert.DoesNotContain(Pipeline.Plan(spec, older).Actions, a => a.Subject is AddressState);
    }

    [Fact]
    public void A_static_address_that_comes_later_in_the_file_is_not_taken_by_an_earlier_dynamic_one()
    {
        var spec = new SpecBuilder().Network("net", "10.1.0.0/24")
            .Container("first", "net").Container("second", Attach("net", "10.1.0.2")).Build();
        var t = Pipeline.Resolve(spec);
        Assert.Equal(["10.1.0.3", "10.1.0.2"], t.Containers.Select(c => c.Endpoints[0].Address.ToString()));
    }

    private static Topo.Core.Spec.TopologyFile Load(string yaml)
    {
        var loaded = Topo.Core.Spec.SpecLoader.Parse(yaml, "shop.yaml");
        Assert.True(loaded.File is not null, string.Join("\n", loaded.Diagnostics));
        return loaded.File;
    }

    [Fact]
    public void A_static_address_held_by_a_running_container_is_an_error_at_the_ipv4_value_not_a_renumbering()
    {
        const string before = """
            version: 1
            name: shop
            networks:
              back:
                subnet: 10.20.0.0/24
            containers:
              web:
                networks: [back]
            """;
        var host = Pipeline.Converge(Load(before));
        Assert.Equal("10.20.0.2", host.Addresses.Single(a => a.Namespace == "web").Address.Address.ToString());

        var result = DesiredHost.Resolve(Load(before + """

              db:
                networks:
                  back:
                    ipv4: 10.20.0.2
            """), host);

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.Equal(
            "shop.yaml:12:15: error: container 'db': address 10.20.0.2 on network 'back' is already in use by container 'web' " +
            "(allocated to it earlier; topo never renumbers a running container); choose another address for 'db', or give 'web' another one with ipv4:",
            error.ToString());
    }

    [Fact]
    public void A_static_address_may_take_the_place_of_a_container_that_leaves_or_moves_in_the_same_change()
    {
        var host = Pipeline.Converge(new SpecBuilder().Network("back", "10.20.0.0/24").Container("web", "back").Build());
        // web leaves: db may have its address (the plan removes before it creates).
        var gone = Pipeline.Resolve(new SpecBuilder().Network("back", "10.20.0.0/24").Container("db", Attach("back", "10.20.0.2")).Build(), host);
        Assert.Equal("10.20.0.2", gone.Containers.Single().Endpoints[0].Address.ToString());
        // web is given another static address in the same file: db may have its old one.
        var moved = Pipeline.Resolve(new SpecBuilder().Network("back", "10.20.0.0/24")
            .Container("web", Attach("back", "10.20.0.9")).Container("db", Attach("back", "10.20.0.2")).Build(), host);
        Assert.Equal(["10.20.0.9", "10.20.0.2"], moved.Containers.Select(c => c.Endpoints[0].Address.ToString()));
    }

    [Fact]
    public void A_bridge_name_equal_to_another_networks_generated_name_is_an_error_at_the_bridge_name_not_a_crash()
    {
        var taken = Naming.BridgeName("shop", "back");
        var spec = Load($$"""
            version: 1
            name: shop
            networks:
              back: {}
              front:
                bridge_name: {{taken}}
            containers:
              web:
                networks: [back, front]
            """);
        var result = DesiredHost.Resolve(spec, HostState.Empty);
        Assert.False(result.Succeeded);
        Assert.Equal(
            $"shop.yaml:6:18: error: interface {taken} would be both the bridge of network 'back' and the bridge of network 'front'; choose another bridge_name",
            Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void Full_range_is_an_error_naming_the_container()
    {
        var spec = new SpecBuilder().Network("tiny", "10.9.0.0/30").Container("a", "tiny").Container("b", "tiny").Build();
        var result = DesiredHost.Resolve(spec, HostState.Empty);
        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, d => d.Message.Contains("container 'b'") && d.Message.Contains("no free address"));
    }

    [Fact]
    public void Default_route_goes_through_the_first_non_internal_network_unless_gw_priority_says_otherwise()
    {
        var spec = new SpecBuilder().Network("back", @internal: true).Network("front").Network("mgmt")
            .Container("plain", "back", "front", "mgmt")
            .Container("picky", Attach("back"), Attach("front"), Attach("mgmt", gwPriority: 10))
            .Container("isolated", "back").Build();
        var t = Pipeline.Resolve(spec);
        Assert.Equal("eth1", t.Containers[0].Endpoints.Single(e => e.DefaultRoute).Interface);
        Assert.Equal("eth2", t.Containers[1].Endpoints.Single(e => e.DefaultRoute).Interface);
        // Only on internal networks: through the internal bridge's gateway, as Docker 20.10.
        Assert.Equal("eth0", t.Containers[2].Endpoints.Single(e => e.DefaultRoute).Interface);
        Assert.Contains(t.Desired.Routes, r => r.Namespace == "isolated" && r.IsDefault && r.Gateway == t.FindNetwork("back")!.Gateway);
    }

    /// <summary>An internal macvlan network's gateway is outside the host: no default route through it.</summary>
    [Fact]
    public void An_internal_macvlan_network_gives_no_default_route()
    {
        var spec = new SpecBuilder().Network("lan", "10.60.0.0/24", driver: NetworkDriver.Macvlan, parent: "uplink0", @internal: true)
            .Container("c", "lan").Build();
        var t = Pipeline.Resolve(spec, HostState.From([new LinkState(HostState.Host, "uplink0", LinkKind.Other)]));
        Assert.DoesNotContain(t.Containers[0].Endpoints, e => e.DefaultRoute);
        Assert.DoesNotContain(t.Desired.Routes, r => r.Namespace == "c");
    }

    [Fact]
    public void Interfaces_are_numbered_in_declaration_order()
    {
        var t = Pipeline.Resolve(new SpecBuilder().Network("b").Network("a").Container("c", "b", "a").Build());
        Assert.Equal([("b", "eth0"), ("a", "eth1")], t.Containers[0].Endpoints.Select(e => (e.Network, e.Interface)));
    }

    [Fact]
    public void Container_mode_shares_the_namespace_and_host_mode_has_none()
    {
        var spec = new SpecBuilder().Container("web")
            .Mode("shell", Topo.Core.Spec.NetworkModeKind.Container, "web")
            .Mode("agent", Topo.Core.Spec.NetworkModeKind.Host)
            .Mode("offline", Topo.Core.Spec.NetworkModeKind.None).Build();
        var d = Pipeline.Resolve(spec).Desired;
        Assert.Equal("web", d.FindNamespace("shell")!.SharesWith);
        Assert.Null(d.FindNamespace("agent"));
        Assert.NotNull(d.FindNamespace("offline"));
        Assert.Single(d.Links, l => l.Namespace == "offline");
    }

    [Fact]
    public void Icc_off_isolates_the_containers_bridge_ports()
    {
        var d = Pipeline.Resolve(new SpecBuilder().Network("n", icc: false).Container("a", "n").Build()).Desired;
        Assert.True(d.Links.Single(l => l.Namespace == HostState.Host && l.Type == LinkKind.Veth).Isolated);
    }

    [Fact]
    public void Forwarding_is_wanted_only_with_a_non_internal_bridge()
    {
        static IEnumerable<string> Wanted(Topo.Core.Spec.TopologyFile spec) =>
            Pipeline.Resolve(spec).Desired.Sysctls.Select(s => $"{s.Name}={s.Value}").Where(s => !s.Contains(".accept_ra="));
        Assert.Empty(Wanted(new SpecBuilder().Network("n", @internal: true).Container("a", "n").Build()));
        Assert.Equal(["net.ipv4.ip_forward=1"], Wanted(new SpecBuilder().Network("n").Container("a", "n").Build()));
    }

    [Fact]
    public void A_bridge_below_IPv6s_smallest_mtu_has_no_IPv6_settings()
    {
        // Below 1280 the kernel takes IPv6 off the interface, its /proc/sys/net/ipv6/conf entry with it.
        var spec = new SpecBuilder().Network("small", mtu: 1279).Network("least", mtu: 1280).Container("a", "small", "least").Build();
        var wanted = Pipeline.Resolve(spec).Desired.Sysctls.Where(s => s.Name.EndsWith(".accept_ra")).Select(s => s.Name).ToList();
        Assert.Equal([BridgeSysctls.AcceptRa(Pipeline.Resolve(spec).Networks.Single(n => n.Name == "least").BridgeName!)], wanted);
    }

    [Fact]
    public void Every_bridge_turns_router_advertisements_off_whatever_its_families()
    {
        var spec = new SpecBuilder().Network("v4").Network("closed", @internal: true).Container("a", "v4", "closed").Build();
        var topology = Pipeline.Resolve(spec);
        var bridges = topology.Desired.Links.Where(l => l.Type == LinkKind.Bridge).Select(l => l.Name).Order().ToList();
        Assert.Equal(2, bridges.Count);
        Assert.Equal(bridges.Select(b => $"net.ipv6.conf.{b}.accept_ra=0"),
            topology.Desired.Sysctls.Where(s => s.Name.EndsWith(".accept_ra")).Select(s => $"{s.Name}={s.Value}").Order());
    }

    [Fact]
    public void Macvlan_on_a_missing_vlan_parent_creates_the_vlan_from_its_lower_device()
    {
        var observed = HostState.From([new LinkState(HostState.Host, "ens33", LinkKind.Other) { Up = true }]);
        var spec = new SpecBuilder().Network("ext21", "172.21.1.0/24", driver: Topo.Core.Spec.NetworkDriver.Macvlan, parent: "ens33.21")
            .Container("c", "ext21").Build();
        var d = Pipeline.Resolve(spec, observed).Desired;
        var vlan = d.FindLink(new LinkRef(HostState.Host, "ens33.21"))!;
        Assert.Equal((LinkKind.Vlan, 21, "ens33"), (vlan.Type, (vlan.Details as VlanDetails)?.Id, vlan.Parent!.Value.Name));
        Assert.Equal(LinkKind.Macvlan, d.FindLink(new LinkRef("c", "eth0"))!.Type);
    }

    [Fact]
    public void Macvlan_on_a_parent_that_does_not_exist_is_an_error()
    {
        var spec = new SpecBuilder().Network("ext", "172.21.1.0/24", driver: Topo.Core.Spec.NetworkDriver.Macvlan, parent: "ens99")
            .Container("c", "ext").Build();
        var result = DesiredHost.Resolve(spec, HostState.Empty);
        Assert.Contains(result.Errors, d => d.Message.Contains("ens99 does not exist"));
    }
}
