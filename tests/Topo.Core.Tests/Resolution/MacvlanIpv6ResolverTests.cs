using Topo.Core.Addressing;
using Topo.Core.Composition;
using Topo.Core.Firewall;
using Topo.Core.Model;
using Topo.Core.Resolution;
using Topo.Core.Spec;
using Topo.Core.Tests.Support;

namespace Topo.Core.Tests.Resolution;

/// <summary>
/// enable_ipv6 on macvlan, as Docker's macvlan driver has it: IPAM as on bridges (the gateway,
/// given or ::1, is never handed out; sequential addresses), a default route via the LAN's router
/// (none on an internal network), and no firewall part.
/// </summary>
public sealed class MacvlanIpv6ResolverTests
{
    private static readonly HostState Parent = HostState.From([new LinkState(HostState.Host, "eth0", LinkKind.Veth) { Up = true }]);

    private static TopologyFile Load(string networkFields, string containers = "a: {networks: [lan]}\n  b: {networks: [lan]}")
    {
        var load = SpecLoader.Parse($"""
            version: 1
            name: p
            networks:
              lan: {networkFields}
            containers:
              {containers}
            """, "t.yaml");
        Assert.False(load.HasErrors, string.Join("\n", load.Diagnostics));
        return load.File!;
    }

    private const string Lan = """{driver: macvlan, parent: eth0, enable_ipv6: true, subnet: [10.42.0.0/24, "fd00:42::/64"]}""";

    [Fact]
    public void Containers_get_sequential_addresses_on_the_macvlan_link_and_a_default_route_via_the_gateway()
    {
        var t = Pipeline.Resolve(Load(Lan), Parent);
        var n = Assert.Single(t.Networks);
        Assert.Equal(("fd00:42::/64", "fd00:42::1"), (n.Ipv6Subnet.ToString(), n.Ipv6Gateway.ToString()));
        var desired = t.Desired;
        foreach (var (c, address) in new[] { ("a", "fd00:42::2/64"), ("b", "fd00:42::3/64") })
        {
            Assert.Equal(LinkKind.Macvlan, desired.FindLink(new LinkRef(c, "eth0"))!.Type);
            Assert.Contains(desired.Addresses, x => x.Namespace == c && x.Link == "eth0" && x.Address.ToString() == address);
            var route = Assert.Single(desired.Routes, r => r.Namespace == c && r.Destination.IsV6);
            Assert.Equal(("fd00:42::1", "eth0"), (route.Gateway?.ToString(), route.Device));
        }
        // No firewall part, as for IPv4 macvlan: nothing to masquerade, no forwarding sysctl.
        var ruleset = RulesetBuilder.Build(t);
        Assert.DoesNotContain(ruleset.RequiredSysctls, s => s.Key.Contains("ipv6", StringComparison.Ordinal));
    }

    [Fact]
    public void A_given_gateway_frees_the_first_address_as_in_docker()
    {
        var t = Pipeline.Resolve(Load("""{driver: macvlan, parent: eth0, enable_ipv6: true, subnet: [10.43.0.0/24, "fd00:43::/64"], gateway: "fd00:43::fe"}""",
            "mvg: {networks: [lan]}"), Parent);
        Assert.Equal("fd00:43::1", t.Containers.Single().Endpoints.Single().Ipv6Address.ToString());
        Assert.Contains(t.Desired.Routes, r => r.Destination.IsV6 && r.Gateway.ToString() == "fd00:43::fe");
    }

    [Fact]
    public void An_internal_macvlan_network_gives_no_ipv6_default_route()
    {
        var t = Pipeline.Resolve(Load("""{driver: macvlan, parent: eth0, internal: true, enable_ipv6: true, subnet: [10.42.0.0/24, "fd00:42::/64"]}"""), Parent);
        Assert.Equal("fd00:42::2", t.Containers.Single(c => c.Name == "a").Endpoints.Single().Ipv6Address.ToString());
        Assert.DoesNotContain(t.Desired.Routes, r => r.Destination.IsV6);
    }

    [Fact]
    public void The_hosts_own_address_on_the_parent_is_the_lan_not_a_clash_and_is_never_handed_out()
    {
        var observed = HostState.From([.. Parent.Links, new AddressState(HostState.Host, "eth0", Ipv6Prefix.Parse("fd00:42::2/64"))]);
        var t = Pipeline.Resolve(Load(Lan), observed);
        Assert.Equal(["fd00:42::3", "fd00:42::4"], t.Containers.Select(c => c.Endpoints.Single().Ipv6Address.ToString()));
        // On another interface the same prefix is in use by someone else: refused, as on a bridge.
        var elsewhere = HostState.From([.. Parent.Links, new LinkState(HostState.Host, "eth1", LinkKind.Veth) { Up = true },
            new AddressState(HostState.Host, "eth1", Ipv6Prefix.Parse("fd00:42::2/64"))]);
        var refused = DesiredHost.Resolve(Load(Lan), elsewhere);
        Assert.Contains(refused.Errors, e => e.Message.Contains("overlaps fd00:42::2/64 on interface eth1", StringComparison.Ordinal));
    }

    [Fact]
    public void A_subnet_from_the_default_pool_is_kept_by_the_containers_addresses()
    {
        var first = Pipeline.Resolve(Load("""{driver: macvlan, parent: eth0, enable_ipv6: true}"""), Parent);
        var subnet = Assert.Single(first.Networks).Ipv6Subnet!.Value;
        var converged = Pipeline.Converge(Load("""{driver: macvlan, parent: eth0, enable_ipv6: true}"""), Parent);
        // A network added before it in the file would take the pool's lowest /64 if nothing held it.
        var load = SpecLoader.Parse("""
            version: 1
            name: p
            networks:
              early: {enable_ipv6: true}
              lan: {driver: macvlan, parent: eth0, enable_ipv6: true}
            containers:
              a: {networks: [lan]}
              b: {networks: [lan]}
            """, "t.yaml");
        var again = Pipeline.Resolve(load.File!, converged);
        Assert.Equal(subnet, again.FindNetwork("lan")!.Ipv6Subnet);
        Assert.NotEqual(subnet, again.FindNetwork("early")!.Ipv6Subnet);
    }
}
