using Topo.Core.Firewall;
using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Spec;
using Topo.Core.Tests.Support;
using static Topo.Core.Tests.Firewall.ForeignListing;

namespace Topo.Core.Tests.Firewall;

/// <summary>
/// Traffic between two containers on one bridge: with br_netfilter on
/// (net.bridge.bridge-nf-call-iptables=1 in the host namespace) it passes the ip hooks, the bridge as
/// input and output, so another table's forward drop drops ICC; the bridge family sees it always.
/// With ICC off on the network, there is no such traffic to lose.
/// </summary>
public sealed class SameBridgeTrafficTests
{
    private static TopologyFile Spec(bool icc = true, bool @internal = false) =>
        new SpecBuilder("shop").Network("back", @internal: @internal, icc: icc).Container("api", "back").Container("db", "back").Build();

    private static string Back => Pipeline.Resolve(Spec()).FindNetwork("back")!.BridgeName!;

    private static readonly SysctlState On = new(HostState.Host, TrafficClasses.BridgeNetfilterSysctl, "1");
    private static readonly SysctlState Off = new(HostState.Host, TrafficClasses.BridgeNetfilterSysctl, "0");

    private static PlanOutcome Plan(TopologyFile spec, SysctlState? bridgeNetfilter, params ForeignTable[] tables) =>
        PlanBuilder.Build(spec, HostState.Empty with { Sysctls = bridgeNetfilter is null ? [] : [bridgeNetfilter], ForeignFirewall = [.. tables] });

    private static ForeignTable ForwardDrop(params string[] rules) => Table("inet", "hand", new Chain("forward", "forward", "drop", rules));

    [Fact]
    public void With_br_netfilter_on_a_forward_drop_of_traffic_within_the_bridge_is_an_error_naming_the_chain_and_the_fix()
    {
        var error = Assert.Single(Plan(Spec(@internal: true), On, ForwardDrop()).Errors).Message;
        Assert.Equal(
            $"table inet hand, chain forward (hook forward, priority 0, policy drop) drops topo's traffic by its policy drop (no rule accepts it): " +
            $"traffic between containers on {Back}. A drop in any table is final: topo's own table cannot accept it. " +
            $"Fix (nft): nft 'insert rule inet hand forward iifname {{ \"{Back}\" }} accept'", error);
        Assert.True(Plan(Spec(@internal: true), On, ForwardDrop(Iif(Back))).Succeeded);
        // Replies alone are let through: the connections are still dropped.
        Assert.Contains("traffic between containers", Assert.Single(Plan(Spec(@internal: true), On, ForwardDrop(Established)).Errors).Message);
    }

    [Fact]
    public void Without_br_netfilter_bridged_traffic_never_meets_the_ip_hooks()
    {
        Assert.True(Plan(Spec(@internal: true), Off, ForwardDrop()).Succeeded);
        Assert.True(Plan(Spec(@internal: true), null, ForwardDrop()).Succeeded);   // module not loaded: no such key
    }

    [Fact]
    public void With_icc_off_the_network_has_no_such_traffic()
    {
        Assert.True(Plan(Spec(icc: false, @internal: true), On, ForwardDrop()).Succeeded);
        // One container alone has no peer to talk to.
        var alone = new SpecBuilder("shop").Network("back", @internal: true).Container("db", "back").Build();
        Assert.True(Plan(alone, On, ForwardDrop()).Succeeded);
    }

    [Fact]
    public void Prerouting_and_postrouting_see_it_too_without_an_input_device_after_routing()
    {
        var pre = Assert.Single(Plan(Spec(@internal: true), On, Table("ip", "hand", new Chain("pre", "prerouting", "accept", [DropFrom(Back)]))).Errors).Message;
        Assert.Contains("traffic between containers on", pre);
        // In postrouting a bridged packet has no input interface: a drop by iifname cannot hit it.
        Assert.True(Plan(Spec(@internal: true), On, Table("ip", "hand", new Chain("post", "postrouting", "accept", [DropFrom(Back)]))).Succeeded);
        var post = Assert.Single(Plan(Spec(@internal: true), On, Table("ip", "hand", new Chain("post", "postrouting", "drop", []))).Errors).Message;
        Assert.EndsWith($"nft 'insert rule ip hand post oifname {{ \"{Back}\" }} accept'", post);
    }

    [Fact]
    public void The_bridge_family_forward_hook_sees_it_whether_or_not_br_netfilter_is_on()
    {
        var error = Assert.Single(Plan(Spec(@internal: true), null, Table("bridge", "l2", new Chain("fwd", "forward", "drop", []))).Errors).Message;
        Assert.Contains($"traffic between containers on {Back}.", error);
        Assert.EndsWith($"Fix (nft): nft 'insert rule bridge l2 fwd meta ibrname {{ \"{Back}\" }} accept'", error);
    }

    private static string DropFrom(string name) => $$$"""[{"match":{"op":"==","left":{"meta":{"key":"iifname"}},"right":"{{{name}}}"}},{"drop":null}]""";
}
