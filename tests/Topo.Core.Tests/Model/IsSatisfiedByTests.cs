using Topo.Core.Addressing;
using Topo.Core.Model;

namespace Topo.Core.Tests.Model;

public sealed class IsSatisfiedByTests
{
    /// <summary>What the planner's attribute comparison says: no attribute the desired side has an opinion on differs.</summary>
    private static bool NoAttributeDiffers(Resource wanted, Resource have)
    {
        var observed = new Dictionary<AttributeId, string?>();
        foreach (var a in have.Attributes()) observed[a.Attribute] = a.Value;
        return wanted.Attributes().All(a => a.Value is null || observed.GetValueOrDefault(a.Attribute) == a.Value);
    }

    private static T Pick<T>(Random r, params T[] values) => values[r.Next(values.Length)];

    private static Label? RandomLabel(Random r) => Pick<Label?>(r, null,
        new Label("p", LabelRole.Endpoint, "c.n"), new Label("p", LabelRole.Endpoint, "c.m"), new Label("q", LabelRole.Network, "n"));

    /// <summary>Kinds with only the common fields, and every kind with fields of its own.</summary>
    private static readonly LinkKind[] Kinds = [LinkKind.Veth, LinkKind.Bridge, .. KindDetails.Shapes.Select(s => s.Kind)];

    /// <summary>A kind's own fields from its shape, each unset or one of two values (its least and greatest), so pairs often agree.</summary>
    private static LinkKindDetails? RandomDetails(Random r, LinkKind kind) =>
        KindDetails.ShapeOf(kind) is not { } shape || r.Next(4) == 0 ? null
            : shape.Create(shape.Fields.Where(_ => r.Next(3) != 0).Select(f => new DetailValue(f, Pick(r, f.Min, f.Max))));

    private static LinkState RandomLink(Random r, LinkKind type) => new("", "x", type)
    {
        Owner = RandomLabel(r),
        Up = r.Next(2) == 0,
        Mtu = Pick<int?>(r, null, 1500, 1400),
        Mac = Pick<MacAddress?>(r, null, MacAddress.Parse("02:42:0a:00:00:02"), MacAddress.Parse("02:42:0a:00:00:03")),
        Master = Pick<string?>(r, null, "br-a", "br-b"),
        Peer = Pick<LinkRef?>(r, null, new LinkRef("c", "eth0"), new LinkRef("d", "eth0")),
        Parent = Pick<LinkRef?>(r, null, new LinkRef("", "eth9")),
        Details = RandomDetails(r, type),
        Isolated = Pick<bool?>(r, null, true, false),
        Hairpin = Pick<bool?>(r, null, true, false),
    };

    /// <summary>Two links, mostly of one kind (else the kind alone decides).</summary>
    private static (Resource, Resource) RandomLinks(Random r)
    {
        var type = Pick(r, Kinds);
        return (RandomLink(r, type), RandomLink(r, r.Next(4) == 0 ? Pick(r, Kinds) : type));
    }

    private static NamespaceState RandomNamespace(Random r) =>
        new("web", Pick<string?>(r, null, "db", "app")) { Owner = RandomLabel(r) };

    private static RouteState RandomRoute(Random r) => new("web", Ipv4Prefix.Parse("0.0.0.0/0"))
    {
        Gateway = Pick<Ipv4Address?>(r, null, Ipv4Address.Parse("10.0.0.1"), Ipv4Address.Parse("10.0.0.254")),
        Device = Pick<string?>(r, null, "eth0", "eth1"),
    };

    // The planner skips the attribute comparison when IsSatisfiedBy says yes: a yes where an
    // attribute differs would hide a change from the plan. Both answers must agree, every time.
    [Fact]
    public void Agrees_with_the_attribute_comparison_on_random_pairs()
    {
        var r = new Random(11);
        for (var i = 0; i < 20_000; i++)
        {
            var (wanted, have) = (i % 5) switch
            {
                0 or 1 => RandomLinks(r),
                2 => (RandomNamespace(r), RandomNamespace(r)),
                3 => (RandomRoute(r), RandomRoute(r)),
                _ => (new SysctlState("", "net.ipv4.ip_forward", Pick(r, "0", "1")), new SysctlState("", "net.ipv4.ip_forward", Pick(r, "0", "1"))),
            };
            Assert.True(NoAttributeDiffers(wanted, have) == wanted.IsSatisfiedBy(have), $"{wanted}\n{have}");
        }
    }

    [Fact]
    public void Every_kind_is_satisfied_by_its_own_copy()
    {
        var link = new LinkState("", "x", LinkKind.Veth) { Up = true, Mtu = 1500, Owner = new Label("p", LabelRole.Endpoint, "c.n") };
        Assert.True(link.IsSatisfiedBy(link with { }));
        var address = new AddressState("c", "eth0", Ipv4Prefix.Parse("10.0.0.2/24"));
        Assert.True(address.IsSatisfiedBy(address with { }));
        Assert.False(address.IsSatisfiedBy(address with { Address = Ipv4Prefix.Parse("10.0.0.2/16") }));
    }
}
