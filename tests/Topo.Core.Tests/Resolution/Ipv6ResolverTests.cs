using Topo.Core.Addressing;
using Topo.Core.Composition;
using Topo.Core.Firewall;
using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Resolution;
using Topo.Core.Spec;
using Topo.Core.Tests.Support;

namespace Topo.Core.Tests.Resolution;

/// <summary>IPv6 addresses, subnets, routes and forwarding as resolution decides them (issue #14).</summary>
public sealed class Ipv6ResolverTests
{
    private static TopologyFile Load(string yaml)
    {
        var load = SpecLoader.Parse(yaml, "t.yaml");
        Assert.False(load.HasErrors, string.Join("\n", load.Diagnostics));
        return load.File!;
    }

    private static string V6(Topology t, string container, string network) =>
        t.Containers.Single(c => c.Name == container).Endpoints.Single(e => e.Network == network).Ipv6Address?.ToString() ?? "none";

    private const string UserNetwork = """
        version: 1
        name: p
        networks:
          app:
            enable_ipv6: true
            subnet: [10.30.0.0/24, "fd00:1::/64"]
            aux_addresses: {reserved: "fd00:1::3"}
        containers:
          web: {networks: [app]}
          db: {networks: [app]}
          cache: {networks: {app: {ipv6: "fd00:1::2"}}}
        """;

    [Fact]
    public void User_network_addresses_come_in_sequence_after_the_gateway_skipping_static_and_aux_ones()
    {
        var t = Pipeline.Resolve(Load(UserNetwork));
        var n = Assert.Single(t.Networks);
        Assert.Equal(("fd00:1::/64", "fd00:1::1"), (n.Ipv6Subnet.ToString(), n.Ipv6Gateway.ToString()));
        // cache holds ::2 (static), ::3 is an aux address: web and db get ::4 and ::5, in file order.
        Assert.Equal(["fd00:1::4", "fd00:1::5", "fd00:1::2"], new[] { "web", "db", "cache" }.Select(c => V6(t, c, "app")));
    }

    [Fact]
    public void Default_bridge_addresses_carry_the_mac_in_their_low_48_bits_as_dockers_do()
    {
        var t = Pipeline.Resolve(Load("""
            version: 1
            name: p
            networks:
              bridge:
                enable_ipv6: true
                subnet: "fd00:dead:beef::/64"
            containers:
              a: {}
              b: {networks: {bridge: {mac_address: "02:00:00:00:be:ef"}}}
            """));
        // Docker 20.10 with fixed-cidr-v6 fd00:dead:beef::/64 gives MAC 02:42:ac:11:00:02 fd00:dead:beef::242:ac11:2.
        Assert.Equal("fd00:dead:beef::242:ac11:2", V6(t, "a", "bridge"));
        Assert.Equal("fd00:dead:beef::200:0:beef", V6(t, "b", "bridge"));
    }

    [Fact]
    public void Without_an_ipv6_subnet_a_network_takes_the_lowest_free_slash_64_of_the_projects_pool()
    {
        var pool = Ipv6DefaultPool.For("p");
        Assert.Equal(48, pool.Length);
        Assert.Equal(0xFDu, (uint)(pool.First.Value >> 120));
        Assert.NotEqual(pool, Ipv6DefaultPool.For("q"));
        var first = new Ipv6Prefix(pool.First, 64);
        var second = new Ipv6Prefix(pool.First.Add(UInt128.One << 64), 64);
        var third = new Ipv6Prefix(pool.First.Add(UInt128.One << 65), 64);
        // The first /64 is on a foreign interface: skipped.
        var observed = HostState.From([new AddressState(HostState.Host, "eth0", new Ipv6Prefix(first.First.Add(7), 64))]);
        var t = Pipeline.Resolve(Load("""
            version: 1
            name: p
            networks:
              a: {enable_ipv6: true}
              b: {enable_ipv6: true}
            containers:
              c: {networks: [a, b]}
            """), observed);
        Assert.Equal([second, third], t.Networks.Select(n => n.Ipv6Subnet!.Value));
        Assert.Equal(second.First.Add(1), t.Networks[0].Ipv6Gateway);
    }

    /// <summary>
    /// Another project's macvlan network holds its IPv6 subnet only on its containers' interfaces (no
    /// bridge): the pool skips it and a declared subnet over it is refused, as for IPv4
    /// (CrossProjectTests.Another_projects_macvlan_subnet_is_refused_and_skipped_by_pools).
    /// </summary>
    [Fact]
    public void Another_projects_macvlan_ipv6_subnet_is_skipped_by_the_pool_and_refused_when_declared()
    {
        var pool = Ipv6DefaultPool.For("p");
        var first = new Ipv6Prefix(pool.First, 64);
        var second = new Ipv6Prefix(pool.First.Add(UInt128.One << 64), 64);
        var parent = HostState.From([
            new LinkState(HostState.Host, "uplink0", LinkKind.Veth) { Up = true },
            new AddressState(HostState.Host, "uplink0", Ipv4Prefix.Parse("10.99.0.2/24")),
        ]);
        // Project lan's macvlan took the first /64 of p's pool (it could declare any prefix).
        var host = Pipeline.Converge(Load($$"""
            version: 1
            name: lan
            networks:
              ext: {driver: macvlan, parent: uplink0, enable_ipv6: true, subnet: [10.77.0.0/24, "{{first}}"]}
            containers:
              m: {networks: [ext]}
            """), parent);
        var pooled = Pipeline.Resolve(Load("""
            version: 1
            name: p
            networks:
              a: {enable_ipv6: true}
            containers:
              c: {networks: [a]}
            """), host);
        Assert.Equal(second, pooled.FindNetwork("a")!.Ipv6Subnet);
        var declared = DesiredHost.Resolve(Load($$"""
            version: 1
            name: p
            networks:
              a: {enable_ipv6: true, subnet: [10.78.0.0/24, "{{first}}"]}
            containers:
              c: {networks: [a]}
            """), host);
        Assert.Contains($"overlaps macvlan network 'ext' of project 'lan' (container 'm' has {first.First.Add(2)}/64)", Assert.Single(declared.Errors).Message);
    }

    [Fact]
    public void A_pooled_subnet_stays_once_on_the_bridge_even_when_a_network_declared_before_it_appears()
    {
        var before = Load("""
            version: 1
            name: p
            networks:
              b: {enable_ipv6: true}
            containers:
              c: {networks: [b]}
            """);
        var host = Pipeline.Converge(before);
        var held = Pipeline.Resolve(before).Networks.Single().Ipv6Subnet;
        var t = Pipeline.Resolve(Load("""
            version: 1
            name: p
            networks:
              a: {enable_ipv6: true}
              b: {enable_ipv6: true}
            containers:
              c: {networks: [a, b]}
            """), host);
        Assert.Equal(held, t.FindNetwork("b")!.Ipv6Subnet);
        Assert.NotEqual(held, t.FindNetwork("a")!.Ipv6Subnet);
    }

    [Fact]
    public void A_container_keeps_its_ipv6_address_when_one_before_it_leaves()
    {
        var host = Pipeline.Converge(Load(UserNetwork));
        var t = Pipeline.Resolve(Load(UserNetwork.Replace("  web: {networks: [app]}\n", "")), host);
        Assert.Equal("fd00:1::5", V6(t, "db", "app"));
        Assert.Empty(Pipeline.Plan(Load(UserNetwork), host).Actions);
    }

    [Fact]
    public void A_static_ipv6_address_another_container_holds_is_refused_not_taken()
    {
        var host = Pipeline.Converge(Load(UserNetwork));
        var result = DesiredHost.Resolve(Load(UserNetwork.Replace("cache: {networks: {app: {ipv6: \"fd00:1::2\"}}}", "cache: {networks: {app: {ipv6: \"fd00:1::4\"}}}")), host);
        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Message.Contains("fd00:1::4") && e.Message.Contains("'web'") && e.Span?.Line == 11);
    }

    [Fact]
    public void A_declared_ipv6_subnet_on_a_foreign_interface_is_refused_at_its_value()
    {
        var observed = HostState.From([new AddressState(HostState.Host, "eth0", Ipv6Prefix.Parse("fd00:1::77/64"))]);
        var result = DesiredHost.Resolve(Load(UserNetwork), observed);
        var error = Assert.Single(result.Errors);
        Assert.Equal((6, 28), (error.Span?.Line, error.Span?.Column));
        Assert.Contains("eth0", error.Message);
    }

    [Fact]
    public void Desired_state_has_the_bridge_and_endpoint_addresses_the_default_route_and_forwarding()
    {
        var t = Pipeline.Resolve(Load(UserNetwork));
        var desired = t.Desired;
        var bridge = t.Networks[0].BridgeName!;
        Assert.Contains(desired.Addresses, a => a.Namespace == HostState.Host && a.Link == bridge && a.Address == Ipv6Prefix.Parse("fd00:1::1/64"));
        Assert.Contains(desired.Addresses, a => a.Namespace == "web" && a.Link == "eth0" && a.Address == Ipv6Prefix.Parse("fd00:1::4/64"));
        var route = Assert.Single(desired.Routes, r => r.Namespace == "web" && r.Destination.IsV6);
        Assert.Equal((0, (IpAddress?)Ipv6Address.Parse("fd00:1::1"), "eth0", 0), (route.Destination.Length, route.Gateway, route.Device, route.Metric));
        Assert.Contains(desired.Sysctls, s => s.Name == FirewallDesired.Ipv6ForwardSysctl && s.Value == "1");
    }

    [Fact]
    public void The_ipv6_default_route_follows_gw_priority_among_the_containers_ipv6_networks()
    {
        var t = Pipeline.Resolve(Load("""
            version: 1
            name: p
            networks:
              v4only: {}
              low: {enable_ipv6: true}
              high: {enable_ipv6: true}
            containers:
              c:
                networks:
                  v4only: {gw_priority: 100}
                  low: {}
                  high: {gw_priority: 5}
            """));
        var c = t.Containers.Single();
        Assert.Equal("v4only", c.Endpoints.Single(e => e.DefaultRoute).Network);
        Assert.Equal("high", c.Endpoints.Single(e => e.Ipv6DefaultRoute).Network);
        var route = Assert.Single(t.Desired.Routes, r => r.Destination.IsV6);
        Assert.Equal(t.FindNetwork("high")!.Ipv6Gateway, route.Gateway?.V6);
    }

    [Fact]
    public void Only_internal_ipv6_networks_leave_forwarding_alone()
    {
        var t = Pipeline.Resolve(Load("""
            version: 1
            name: p
            networks:
              back: {enable_ipv6: true, internal: true}
            containers:
              c: {networks: [back]}
            """));
        Assert.DoesNotContain(t.Desired.Sysctls, s => s.Name == FirewallDesired.Ipv6ForwardSysctl);
        Assert.NotNull(t.Containers.Single().Endpoints.Single().Ipv6Address);
    }

    [Fact]
    public void Ipv4_only_networks_get_no_ipv6_at_all()
    {
        var t = Pipeline.Resolve(Load("""
            version: 1
            name: p
            networks:
              plain: {}
            containers:
              c: {networks: [plain]}
            """));
        Assert.Null(t.Networks.Single().Ipv6Subnet);
        Assert.Null(t.Containers.Single().Endpoints.Single().Ipv6Address);
        Assert.DoesNotContain(t.Desired.Addresses, a => a.Address.IsV6);
        Assert.DoesNotContain(t.Desired.Routes, r => r.Destination.IsV6);
        Assert.DoesNotContain(t.Desired.Sysctls, s => s.Name == FirewallDesired.Ipv6ForwardSysctl);
    }
}
