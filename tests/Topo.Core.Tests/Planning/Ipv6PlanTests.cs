using Topo.Core.Addressing;
using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Snapshot;
using Topo.Core.Spec;
using Topo.Core.Tests.Support;

namespace Topo.Core.Tests.Planning;

/// <summary>
/// IPv6 addresses and routes through the planner next to IPv4 ones, hand-added to an IPv4
/// topology (the resolver's IPv6 half is another change): each family's default route is its own
/// route, an address change is a delete and an add as for IPv4, a gateway change is in place, and
/// a link that loses its last address of one family loses only that family's routes.
/// </summary>
public sealed class Ipv6PlanTests
{
    private static TopologyFile OneContainer(string ipv4) =>
        new SpecBuilder("p").Network("n", "10.0.0.0/24").Container("c", SpecBuilder.Attach("n", ipv4)).Build();

    private static readonly Label Endpoint = Label.Endpoint("p", "c", "n");
    private static readonly Label Container = new("p", LabelRole.Container, "c");

    private static AddressState V6Address(string prefix) => new("c", "eth0", Ipv6Prefix.Parse(prefix)) { Owner = Endpoint };

    private static RouteState V6Default(string gateway) =>
        new("c", Ipv6Prefix.Parse("::/0")) { Gateway = Ipv6Address.Parse(gateway), Device = "eth0", Owner = Container };

    private static HostState WithV6(HostState state, string address, string gateway) => state with
    {
        Addresses = state.Addresses.Add(V6Address(address)),
        Routes = state.Routes.Add(V6Default(gateway)),
    };

    /// <summary>The host converged on the IPv4 topology plus c's IPv6 address and default route.</summary>
    private static HostState DualStackHost() => WithV6(Pipeline.Converge(OneContainer("10.0.0.5")), "fd00:1::5/64", "fd00:1::1");

    private static Plan PlanFor(string ipv4, string address, string gateway, HostState observed)
    {
        var desired = WithV6(Pipeline.Resolve(OneContainer(ipv4), observed).Desired, address, gateway);
        var result = Planner.Plan("p", desired, observed);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Plan!;
    }

    [Fact]
    public void Both_default_routes_are_kept_apart_and_a_converged_host_plans_nothing()
    {
        var host = DualStackHost();
        Assert.Equal(2, host.Routes.Count(r => r is { Namespace: "c", IsDefault: true }));
        Assert.NotEqual(host.Routes[0].Key, host.Routes[1].Key);
        Assert.True(PlanFor("10.0.0.5", "fd00:1::5/64", "fd00:1::1", host).IsEmpty);
    }

    [Fact]
    public void An_ipv6_address_change_deletes_and_adds_it_and_makes_only_the_ipv6_route_again()
    {
        var host = DualStackHost();
        var plan = PlanFor("10.0.0.5", "fd00:1::6/64", "fd00:1::1", host);
        Assert.Equal("- address c/eth0 fd00:1::5/64\n+ address c/eth0 fd00:1::6/64\n+ route c ::/0", Pipeline.Lines(plan));
        Assert.Equal("made again: c/eth0 loses its last IPv6 address, and the kernel drops its routes with it: default route of container 'c'",
            plan.Actions[2].Reason);
        Assert.Contains(plan.Actions[1].Id, plan.Actions[2].DependsOn); // after the new address
        Assert.True(Planner.Plan("p", WithV6(Pipeline.Resolve(OneContainer("10.0.0.5"), host).Desired, "fd00:1::6/64", "fd00:1::1"),
            PlanSimulator.Apply(host, plan)).Plan!.IsEmpty);
    }

    [Fact]
    public void An_ipv4_address_change_leaves_the_ipv6_route_alone()
    {
        var plan = PlanFor("10.0.0.6", "fd00:1::5/64", "fd00:1::1", DualStackHost());
        Assert.Contains(plan.Actions, a => a is { Kind: ActionKind.Create, After: RouteState { IsDefault: true, Destination.IsV6: false } });
        Assert.DoesNotContain(plan.Actions, a => a.Subject is RouteState { Destination.IsV6: true } or AddressState { Address.IsV6: true });
    }

    [Fact]
    public void An_ipv6_gateway_change_is_made_in_place()
    {
        var plan = PlanFor("10.0.0.5", "fd00:1::5/64", "fd00:1::fe", DualStackHost());
        var action = Assert.Single(plan.Actions);
        Assert.Equal(ActionKind.Update, action.Kind);
        var change = Assert.Single(action.Changes);
        Assert.Equal((AttributeKind.Via, "fd00:1::1", "fd00:1::fe"), (change.Attribute, change.Before, change.After));
    }

    [Fact]
    public void State_json_writes_and_reads_ipv6_addresses_and_routes()
    {
        var host = DualStackHost();
        var json = StateJson.Write(host);
        Assert.Contains("\"address\": \"fd00:1::5/64\"", json);
        Assert.Contains("\"destination\": \"::/0\"", json);
        Assert.Contains("\"gateway\": \"fd00:1::1\"", json);
        var back = StateJson.Read(json);
        Assert.Contains(V6Address("fd00:1::5/64"), back.Addresses);
        Assert.Contains(back.Routes, r => r.Key == V6Default("fd00:1::1").Key && r.Gateway == Ipv6Address.Parse("fd00:1::1"));
        Assert.Equal(json, StateJson.Write(back));
    }
}
