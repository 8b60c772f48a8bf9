using Topo.Core.Addressing;
using Topo.Core.Firewall;
using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Spec;
using Topo.Core.Tests.Support;
using static Topo.Core.Tests.Firewall.ForeignListing;

namespace Topo.Core.Tests.Firewall;

/// <summary>
/// Ingress chains (family netdev, and inet's ingress hook) run per device before everything else,
/// conntrack included: a drop there on a device topo's traffic enters by — the host's way out for
/// replies and published ports, a container's veth and its bridge for what containers send — is
/// final before any of topo's rules. Only the devices a chain is bound to are asked about.
/// </summary>
public sealed class IngressTests
{
    private static TopologyFile Spec() => new SpecBuilder("shop").Network("front")
        .Publishing("web", "front", "8080:80").Build();

    private static string Front => Pipeline.Resolve(Spec()).FindNetwork("front")!.BridgeName!;

    /// <summary>The host reaches the outside through uplink0 (a default route through a gateway).</summary>
    private static readonly HostState Host = HostState.Empty with
    {
        Routes = [new RouteState(HostState.Host, Ipv4Prefix.Parse("0.0.0.0/0")) { Gateway = Ipv4Address.Parse("10.99.0.1"), Device = "uplink0" }],
    };

    private static PlanOutcome Plan(params ForeignTable[] tables) =>
        PlanBuilder.Build(Spec(), Host with { ForeignFirewall = [.. tables] });

    private static ForeignTable Ingress(string family, string device, params string[] rules) =>
        Table(family, "hand", new Chain("c", "ingress", "drop", rules, Devices: [device]));

    [Fact]
    public void A_drop_on_the_uplinks_ingress_names_replies_and_published_ports_and_the_fix_accepts_them_there()
    {
        var error = Assert.Single(Plan(Ingress("netdev", "uplink0")).Errors).Message;
        Assert.Equal(
            $"table netdev hand, chain c (hook ingress device uplink0, priority 0, policy drop) drops topo's traffic by its policy drop (no rule accepts it): " +
            $"replies to them on {Front}; connections to published ports on {Front}. A drop in any table is final: topo's own table cannot accept it. " +
            "Fix (nft): nft 'insert rule netdev hand c iifname { \"uplink0\" } accept; insert rule netdev hand c tcp dport { 8080 } accept'", error);
        // inet's ingress hook is the same place.
        Assert.Contains("table inet hand, chain c (hook ingress device uplink0", Assert.Single(Plan(Ingress("inet", "uplink0")).Errors).Message);
        Assert.True(Plan(Ingress("netdev", "uplink0", Iif("uplink0"))).Succeeded);
    }

    [Fact]
    public void A_chain_on_another_device_sees_none_of_topos_traffic()
    {
        Assert.True(Plan(Ingress("netdev", "eth9")).Succeeded);
        // Without a route through a gateway, which device the outside comes by is not known: nothing is claimed.
        Assert.True(PlanBuilder.Build(Spec(), HostState.Empty with { ForeignFirewall = [Ingress("netdev", "uplink0")] }).Succeeded);
    }

    [Fact]
    public void On_the_bridge_it_drops_what_containers_send_to_the_host_and_beyond()
    {
        var error = Assert.Single(Plan(Ingress("netdev", Front)).Errors).Message;
        Assert.Contains($"connections from containers on {Front} out; replies from published ports on {Front}; replies to the host from published ports on {Front}.", error);
        Assert.EndsWith($"Fix (nft): nft 'insert rule netdev hand c iifname {{ \"{Front}\" }} accept'", error);
        // A prefix binds every device it names the start of.
        Assert.Single(Plan(Ingress("netdev", "br-*")).Errors);
    }

    [Fact]
    public void There_is_no_connection_state_at_ingress_so_an_established_accept_might_accept_anything()
    {
        // Conntrack runs after ingress: what ct state says there is not assumed, and nothing is claimed.
        Assert.True(Plan(Ingress("netdev", "uplink0", Established)).Succeeded);
    }

    [Fact]
    public void Two_containers_on_a_bridge_talk_through_their_veths_ingress()
    {
        var spec = new SpecBuilder("shop").Network("back", @internal: true).Container("api", "back").Container("db", "back").Build();
        var veth = Pipeline.Resolve(spec).Containers.Single(c => c.Name == "api").Endpoints[0].HostInterface!;
        var error = Assert.Single(PlanBuilder.Build(spec, Host with { ForeignFirewall = [Ingress("netdev", veth)] }).Errors).Message;
        Assert.Contains("traffic between containers on", error);
        Assert.EndsWith($"iifname {{ \"{veth}\" }} accept'", error);
    }
}
