using Topo.Core.Addressing;
using Topo.Core.Model;
using Topo.Linux.Application;
using Topo.Linux.Netlink.LinkKinds;

namespace Topo.Linux.Tests.Application;

/// <summary>
/// The contract between plan and apply, without a kernel (no root): every attribute a resource can
/// yield, and the planner can therefore put in an update, has a path in the applier, and a link's
/// go through <see cref="LinkEdit"/> into the request that path names. A new attribute, or a case
/// dropped from the applier, fails here instead of in an apply.
/// </summary>
public sealed class ApplierContractTests
{
    private static readonly Label Endpoint = Label.Endpoint("demo", "web", "front");
    private static readonly Label Container = new("demo", LabelRole.Container, "web");
    private static readonly Label Firewall = new("demo", LabelRole.Firewall, "demo");

    /// <summary>One of each kind of resource with every optional member set, so each yields every attribute it can.</summary>
    private static Resource[] Everything() =>
    [
        new LinkState("", "veth-web", LinkKind.Veth)
        {
            Owner = Endpoint, Up = true, Mtu = 1500, Mac = MacAddress.Parse("02:42:0a:00:00:05"), Master = "br-front",
            Peer = new LinkRef("web", "eth0"), Isolated = true, Hairpin = true,
        },
        new LinkState("web", "eth1", LinkKind.Macvlan)
        {
            Owner = Endpoint, Up = true, Mtu = 1500, Parent = new LinkRef("", "enp1s0.10"), Details = new MacvlanDetails(MacvlanMode.Bridge),
        },
        new NamespaceState("web") { Owner = Container },
        new NamespaceState("side", SharesWith: "web") { Owner = Container },
        new AddressState("web", "eth0", Ipv4Prefix.Parse("10.0.0.2/24")) { Owner = Endpoint },
        new RouteState("web", Ipv4Prefix.Parse("0.0.0.0/0")) { Owner = Container, Gateway = Ipv4Address.Parse("10.0.0.1"), Device = "eth0" },
        new SysctlState(HostState.Host, "net.ipv4.ip_forward", "1"),
        new FirewallTableState("inet", "topo-demo") { Owner = Firewall },
        new FirewallChainState("inet", "topo-demo", "forward") { Type = "filter", Hook = "forward", Priority = 0, Policy = "accept" },
        new FirewallRuleState("inet", "topo-demo", "forward", "topo:demo accept") { Rule = "accept" },
        new FirewallSetState("inet", "topo-demo", "published") { Type = "ipv4_addr", Flags = "interval" },
        new FirewallElementState("inet", "topo-demo", "published", "10.0.0.2") { Value = "10.0.0.2", Comment = "topo:demo web" },
        new NamespaceFileState("web", NamespaceFileState.ResolvConf, "nameserver 127.0.0.11\n") { Owner = Container },
        .. KindDetails.Shapes.Select(KindLink),
    ];

    /// <summary>A link of a kind with fields of its own, every field set (from the kind's shape: a new kind needs nothing here).</summary>
    private static LinkState KindLink(DetailsShape shape) => new("", $"{shape.Kind.Name()}0", shape.Kind)
    {
        Owner = Endpoint, Up = true, Parent = new LinkRef("", "enp1s0"),
        Details = shape.Create(shape.Fields.Select(f => new DetailValue(f, f.Max))),
    };

    private static LinkState Link(LinkKind kind) => Everything().OfType<LinkState>().First(l => l.Type == kind);

    [Fact]
    public void The_samples_cover_every_kind_of_resource_and_every_attribute()
    {
        Assert.Empty(Enum.GetValues<ResourceKind>().Except(Everything().Select(r => r.Kind)));
        var yielded = Everything().SelectMany(r => r.Attributes()).Select(a => a.Attribute).ToList();
        Assert.Empty(Enum.GetValues<AttributeKind>().Except(yielded.Select(a => a.Kind)));
        // Each kind's own fields too: a kind's record that leaves a set field out of its values fails here.
        Assert.Empty(KindDetails.Shapes.SelectMany(s => s.Fields).Except(yielded.Select(a => a.Detail)));
    }

    [Fact]
    public void Every_attribute_an_update_can_carry_has_a_path_in_the_applier_and_no_other_has_one()
    {
        var wrong = new List<string>();
        foreach (var resource in Everything())
        {
            foreach (var a in resource.Attributes())
            {
                var path = InPlaceUpdates.PathOf(resource.Kind, a.Attribute);
                // An update carries only attributes that do not force replacement; the others are
                // applied by deleting and creating the object, so an in-place path for one is a mistake too.
                if (a.ForcesReplace != (path == UpdatePath.None))
                    wrong.Add($"{resource.KindName} {a.Attribute} (forces replacement: {a.ForcesReplace}): {path}");
            }
        }
        Assert.Empty(wrong);
    }

    [Fact]
    public void Each_attribute_of_a_link_goes_into_the_request_its_path_names()
    {
        foreach (var link in Everything().OfType<LinkState>())
        {
            foreach (var a in link.Attributes().Where(a => !a.ForcesReplace))
            {
                var edit = new LinkEdit(link);
                edit.Add(a.Attribute, master => master == link.Master ? 7 : throw new InvalidOperationException(master));
                var sent = (edit.ChangesLink, PortFlags: edit.Isolated is not null || edit.Hairpin is not null);
                var expected = InPlaceUpdates.PathOf(ResourceKind.Link, a.Attribute) switch
                {
                    UpdatePath.LinkRequest => (true, false),
                    UpdatePath.BridgePort => (false, true),
                    var other => throw new InvalidOperationException($"{a.Attribute}: {other} is not a link's path"),
                };
                Assert.True(expected == sent, $"{link.Display} {a.Attribute}: expected {expected}, sent {sent}");
            }
        }
    }

    [Fact]
    public void The_link_request_carries_the_values_of_the_link_it_is_made_from()
    {
        var link = (LinkState)Everything()[0];
        var edit = new LinkEdit(link);
        foreach (AttributeId a in new[] { AttributeKind.Mtu, AttributeKind.Master, AttributeKind.Label, AttributeKind.State, AttributeKind.Isolated })
            edit.Add(a, _ => 7);
        Assert.Equal((1500u, 7, Endpoint.ToString(), true), (edit.Message.Mtu, edit.Message.Master, edit.Message.Alias, edit.Message.IsUp));
        Assert.Equal((true, (bool?)null), (edit.Isolated, edit.Hairpin));
    }

    [Fact]
    public void A_kinds_own_field_goes_to_its_driver_as_the_field_itself()
    {
        var macvlan = Link(LinkKind.Macvlan) with { Details = new MacvlanDetails(MacvlanMode.Private) };
        var edit = new LinkEdit(macvlan);
        edit.Add(MacvlanDetails.ModeField, _ => 7);
        Assert.Equal(MacvlanMode.Private, Assert.IsType<MacvlanData>(edit.Message.KindData).Mode);

        var e = Assert.Throws<NotSupportedException>(() => new LinkEdit(Link(LinkKind.Vxlan)).Add(VxlanDetails.VniField, _ => 7));
        Assert.Contains("vni of link vxlan0 cannot change in place", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_attribute_with_no_in_place_path_is_refused_by_name()
    {
        var e = Assert.Throws<NotSupportedException>(() => new LinkEdit((LinkState)Everything()[0]).Add(AttributeKind.Type, _ => 7));
        Assert.Contains("type of link veth-web", e.Message, StringComparison.Ordinal);
    }
}
