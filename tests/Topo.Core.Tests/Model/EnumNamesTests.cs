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

    [Fact]
    public void A_label_reads_back_as_the_alias_it_was_written_as()
    {
        var label = Label.Endpoint("shop", "web", "front");
        Assert.Equal("topo:shop:endpoint:web.front", label.ToString());
        Assert.True(Label.TryParse(label.ToString(), out var back));
        Assert.Equal(label, back);
    }
}
