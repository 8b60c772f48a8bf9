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
    // each is the folded member name but for three spelled as Docker and iproute2 do, and no two alike.
    [Fact]
    public void Every_attribute_has_its_own_printed_name()
    {
        foreach (var v in Enum.GetValues<AttributeKind>())
        {
            var expected = v switch { AttributeKind.VlanId => "vlan_id", AttributeKind.VxlanPort => "dstport", AttributeKind.MacvlanMode => "mode", _ => v.ToString().ToLowerInvariant() };
            Assert.Equal(expected, v.Name());
        }
        Assert.Equal(Enum.GetValues<AttributeKind>().Length, Enum.GetValues<AttributeKind>().Select(v => v.Name()).Distinct().Count());
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
