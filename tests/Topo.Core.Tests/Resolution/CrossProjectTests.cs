using Topo.Core.Composition;
using Topo.Core.Addressing;
using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Resolution;
using Topo.Core.Spec;
using Topo.Core.Tests.Support;

namespace Topo.Core.Tests.Resolution;

/// <summary>Several projects on one host: subnets they must not share, and the default bridge they do share.</summary>
public sealed class SubnetConflictTests
{
    private static TopologyFile Parse(string text)
    {
        var result = SpecLoader.Parse(text, "qf.yaml");
        Assert.Equal("", string.Join("\n", result.Diagnostics));
        return result.File!;
    }

    private static HostState Uplink(string address) => HostState.From([
        new LinkState(HostState.Host, "uplink0", LinkKind.Veth) { Up = true },
        new AddressState(HostState.Host, "uplink0", Ipv4Prefix.Parse(address)),
    ]);

    [Theory]
    [InlineData("10.5.0.0/24")]
    [InlineData("10.5.0.0/25")]  // inside the other one
    [InlineData("10.5.0.0/16")]  // around it
    public void A_subnet_another_projects_network_holds_is_refused_at_the_subnet_value_naming_it(string subnet)
    {
        var host = Pipeline.Converge(new SpecBuilder("qa").Network("n", "10.5.0.0/24").Container("c", "n").Build());
        var spec = Parse($"""
            version: 1
            name: qf
            networks:
              n: {"{"}subnet: {subnet}{"}"}
            containers:
              d: {"{"}networks: [n]{"}"}
            """);
        var result = DesiredHost.Resolve(spec, host);
        var error = Assert.Single(result.Errors);
        Assert.Equal(new SourceSpan("qf.yaml", 4, 15), error.Span);
        Assert.Contains($"network 'n': subnet {subnet} overlaps network 'n' of project 'qa' (10.5.0.1/24 on bridge br-", error.Message);
    }

    [Fact]
    public void A_subnet_overlapping_a_foreign_interfaces_address_is_refused_naming_the_interface()
    {
        var spec = new SpecBuilder("qf").Network("n", "192.168.50.0/24").Container("c", "n").Build();
        var result = DesiredHost.Resolve(spec, Uplink("192.168.50.7/24"));
        Assert.Contains("subnet 192.168.50.0/24 overlaps 192.168.50.7/24 on interface uplink0, which topo does not own",
            Assert.Single(result.Errors).Message);
        // The plan refuses before anything changes.
        Assert.True(DesiredHost.Resolve(new SpecBuilder("qf").Network("n", "192.168.51.0/24").Container("c", "n").Build(),
            Uplink("192.168.50.7/24")).Succeeded);
    }

    [Fact]
    public void A_macvlan_network_may_be_the_lan_of_its_parent()
    {
        var spec = new SpecBuilder("lan").Network("ext", "192.168.50.0/24", driver: NetworkDriver.Macvlan, parent: "uplink0")
            .Container("c", "ext").Build();
        Assert.True(DesiredHost.Resolve(spec, Uplink("192.168.50.7/24")).Succeeded);
    }

    [Fact]
    public void Another_projects_macvlan_subnet_is_refused_and_skipped_by_pools()
    {
        var host = Pipeline.Converge(new SpecBuilder("lan").Network("ext", "172.17.0.0/24", driver: NetworkDriver.Macvlan, parent: "uplink0")
            .Container("c", "ext").Build(), Uplink("10.99.0.2/24"));
        var declared = DesiredHost.Resolve(new SpecBuilder("qf").Network("n", "172.17.0.0/16").Container("d", "n").Build(), host);
        Assert.Contains("overlaps macvlan network 'ext' of project 'lan' (container 'c' has 172.17.0.2/24)", Assert.Single(declared.Errors).Message);
        var pooled = Pipeline.Resolve(new SpecBuilder("qf").Network("n").Container("d", "n").Build(), host);
        Assert.Equal("172.18.0.0/16", pooled.Networks[0].Subnet.ToString());
    }

    [Fact]
    public void The_same_project_applying_again_keeps_its_declared_subnet()
    {
        var spec = new SpecBuilder("qa").Network("n", "10.5.0.0/24").Container("c", "n").Build();
        var plan = Pipeline.Plan(spec, Pipeline.Converge(spec));
        Assert.True(plan.IsEmpty, Pipeline.Lines(plan));
    }

    [Fact]
    public void Default_pools_skip_a_subnet_a_foreign_interface_uses()
    {
        var t = Pipeline.Resolve(new SpecBuilder("qf").Network("n").Container("c", "n").Build(), Uplink("172.18.3.7/24"));
        Assert.Equal("172.19.0.0/16", t.Networks[0].Subnet.ToString());

        var b = new SpecBuilder("qf");
        for (var i = 0; i < 19; i++) b.Network($"n{i}");
        var many = Pipeline.Resolve(b.Build(), Uplink("192.168.50.7/24"));
        // 192.168.48.0/20 holds 192.168.50.7: skipped.
        Assert.Equal(["192.168.0.0/20", "192.168.16.0/20", "192.168.32.0/20", "192.168.64.0/20"],
            many.Networks.Skip(14).Take(4).Select(n => n.Subnet.ToString()));
    }

    [Fact]
    public void The_default_bridge_another_project_uses_is_refused_to_declared_subnets_and_skipped_by_pools()
    {
        var host = Pipeline.Converge(new SpecBuilder("a").Container("one").Build());
        Assert.Equal("172.17.0.0/16", host.Addresses.Single(x => x.Link == "topo0").Address.Network.ToString());

        var declared = DesiredHost.Resolve(new SpecBuilder("b").Network("n", "172.17.0.0/24").Container("c", "n").Build(), host);
        Assert.Contains("overlaps the default bridge topo0 (172.17.0.1/16), which project 'a' uses", Assert.Single(declared.Errors).Message);
        var pooled = Pipeline.Resolve(new SpecBuilder("b").Network("n").Container("c", "n").Build(), host);
        Assert.Equal("172.18.0.0/16", pooled.Networks[0].Subnet.ToString());
    }
}

public sealed class SharedDefaultBridgeTests
{
    private static TopologyFile Parse(string text)
    {
        var result = SpecLoader.Parse(text, "hb.yaml");
        Assert.Equal("", string.Join("\n", result.Diagnostics));
        return result.File!;
    }

    private static readonly TopologyFile Hm = Parse("""
        version: 1
        name: hm
        networks:
          bridge: {subnet: 10.9.0.0/16}
        containers:
          m: {}
        """);

    [Fact]
    public void Different_settings_for_the_default_bridge_another_project_uses_are_refused_at_each_value()
    {
        var host = Pipeline.Converge(Hm);
        var hb = Parse("""
            version: 1
            name: hb
            networks:
              bridge: {subnet: 10.8.0.0/16, mtu: 1400}
            containers:
              b: {}
            """);
        var result = DesiredHost.Resolve(hb, host);
        Assert.Equal(2, result.Errors.Length);
        var subnet = result.Errors.Single(e => e.Message.Contains("subnet"));
        Assert.Equal(new SourceSpan("hb.yaml", 4, 20), subnet.Span);
        Assert.Contains("network 'bridge': subnet 10.8.0.0/16 differs from topo0's 10.9.0.0/16; the default bridge is shared, " +
            "and while project 'hm' uses it its settings are fixed by what topo0 already has", subnet.Message);
        var mtu = result.Errors.Single(e => e.Message.Contains("mtu 1400"));
        Assert.Equal(new SourceSpan("hb.yaml", 4, 38), mtu.Span);
        Assert.Contains("leave mtu out or set it to 1500", mtu.Message);
    }

    [Fact]
    public void A_project_that_leaves_the_settings_out_takes_what_the_bridge_has_and_neither_plan_changes_it()
    {
        var hm = Parse("""
            version: 1
            name: hm
            networks:
              bridge: {subnet: 10.9.0.0/16, gateway: 10.9.0.254, mtu: 1400}
            containers:
              m: {}
            """);
        var hb = new SpecBuilder("hb").Container("b").Build();
        var host = Pipeline.Converge(hm);
        host = Pipeline.Converge(hb, host);
        var topo0 = host.FindLink(new LinkRef(HostState.Host, "topo0"))!;
        Assert.Equal(1400, topo0.Mtu);
        Assert.Equal(["10.9.0.254/16"], host.Addresses.Where(a => a.Link == "topo0").Select(a => a.Address.ToString()));
        Assert.Equal("10.9.0.2/16", host.Addresses.Single(a => a.Namespace == "b").Address.ToString());
        Assert.True(Pipeline.Plan(hm, host).IsEmpty, Pipeline.Lines(Pipeline.Plan(hm, host)));
        Assert.True(Pipeline.Plan(hb, host).IsEmpty, Pipeline.Lines(Pipeline.Plan(hb, host)));
        // Repeating the settings is fine too.
        Assert.True(DesiredHost.Resolve(hm with { Name = "hc" }, host).Succeeded);
    }

    [Fact]
    public void A_project_alone_on_the_default_bridge_can_still_change_its_settings()
    {
        var host = Pipeline.Converge(Hm);
        var changed = Parse("""
            version: 1
            name: hm
            networks:
              bridge: {subnet: 10.8.0.0/16, mtu: 1400}
            containers:
              m: {}
            """);
        var plan = Pipeline.Plan(changed, host);
        Assert.Contains(plan.Actions, a => a is { Kind: ActionKind.Create, Subject: AddressState { Link: "topo0" } s } && s.Address.ToString() == "10.8.0.1/16");
        Assert.Contains(plan.Actions, a => a is { Kind: ActionKind.Delete, Subject: AddressState { Link: "topo0" } s } && s.Address.ToString() == "10.9.0.1/16");
    }

    [Fact]
    public void A_project_that_declares_the_default_bridge_without_containers_still_fixes_its_settings()
    {
        var declaresOnly = Parse("""
            version: 1
            name: hm
            networks:
              bridge: {subnet: 10.9.0.0/16}
            """);
        var host = Pipeline.Converge(declaresOnly);
        Assert.DoesNotContain(host.Links, l => l.Master == "topo0");
        var result = DesiredHost.Resolve(new SpecBuilder("hb").Network("bridge", "10.8.0.0/16").Container("b").Build(), host);
        Assert.Contains("while project 'hm' uses it", Assert.Single(result.Errors).Message);
    }
}
