using Topo.Core.Model;

namespace Topo.Core.Tests.Model;

public sealed class EnumNamesTests
{
    // Plans, labels on the kernel and state files written before the switch used the folded
    // member names: every value must keep its name, and a new member must get one.
    [Fact]
    public void Every_member_is_named_by_its_folded_member_name()
    {
        foreach (var v in Enum.GetValues<LinkKind>()) Assert.Equal(v.ToString().ToLowerInvariant(), v.Name());
        foreach (var v in Enum.GetValues<MacvlanMode>()) Assert.Equal(v.ToString().ToLowerInvariant(), v.Name());
        foreach (var v in Enum.GetValues<LabelRole>()) Assert.Equal(v.ToString().ToLowerInvariant(), v.Name());
        foreach (var v in Enum.GetValues<ResourceKind>()) Assert.Equal(v.ToString().ToLowerInvariant(), v.Name());
    }

    // Attribute names are what plans print and plan JSON keys objects by (docs/plan-json.md):
    // each is the folded member name, a kind's own field is named by the field, and no two of a link alike.
    [Fact]
    public void Every_attribute_has_its_own_printed_name()
    {
        var kinds = Enum.GetValues<AttributeKind>().Where(v => v != AttributeKind.KindDetail).ToList();
        foreach (var v in kinds) Assert.Equal(v.ToString().ToLowerInvariant(), v.Name());
        foreach (var shape in KindDetails.Shapes)
        {
            var names = kinds.Select(k => new AttributeId(k).Name()).Concat(shape.Fields.Select(f => new AttributeId(f).Name())).ToList();
            Assert.Equal(names.Count, names.Distinct().Count());
        }
        // The names plans printed before the fields moved into the kinds' records (approved plans show them).
        Assert.Equal(["vlan_id", "vni", "dstport", "mode"],
            new[] { VlanDetails.IdField, VxlanDetails.VniField, VxlanDetails.PortField, MacvlanDetails.ModeField }.Select(f => new AttributeId(f).Name()));
    }

    [Fact]
    public void A_label_reads_back_as_the_alias_it_was_written_as()
    {
        var label = Label.Endpoint("shop", "web", "front");
        Assert.Equal("topo:shop:endpoint:web.front", label.ToString());
        Assert.True(Label.TryParse(label.ToString(), out var back));
        Assert.Equal(label, back);
    }
}
