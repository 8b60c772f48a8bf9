using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Rendering;

namespace Topo.Core.Tests.Planning;

/// <summary>
/// A kind's own fields reach the plan as typed changes (the field itself, not its name), replace
/// or update as the field declares, and print under the field's name.
/// </summary>
public sealed class KindDetailPlanningTests
{
    private static readonly Label Owner = new("p", LabelRole.Network, "overlay");

    private static LinkState Vxlan(int vni) => new("", "vx-overlay", LinkKind.Vxlan)
    {
        Owner = Owner, Up = true, Parent = new LinkRef("", "enp1s0"), Details = new VxlanDetails(vni, 4789),
    };

    private static LinkState Macvlan(MacvlanMode mode) => new("", "mv0", LinkKind.Macvlan)
    {
        Owner = Owner, Up = true, Parent = new LinkRef("", "enp1s0"), Details = new MacvlanDetails(mode),
    };

    private static Plan Plan(LinkState want, LinkState have) =>
        Planner.Plan("p", HostState.Empty with { Links = [want] }, HostState.Empty with { Links = [have] }).Plan!;

    [Fact]
    public void A_new_vni_replaces_the_link_and_the_plan_prints_it()
    {
        var plan = Plan(Vxlan(43), Vxlan(42));

        var action = Assert.Single(plan.Actions);
        Assert.Equal(ActionKind.Replace, action.Kind);
        var change = Assert.Single(action.Changes);
        Assert.Equal((new AttributeId(VxlanDetails.VniField), "42", "43", true), (change.Attribute, change.Before, change.After, change.ForcesReplace));
        Assert.Contains("vni: 42 → 43", TextRenderer.Render(plan), StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_macvlan_mode_updates_the_link_in_place()
    {
        var plan = Plan(Macvlan(MacvlanMode.Private), Macvlan(MacvlanMode.Bridge));

        var action = Assert.Single(plan.Actions);
        Assert.Equal(ActionKind.Update, action.Kind);
        var change = Assert.Single(action.Changes);
        Assert.Equal((new AttributeId(MacvlanDetails.ModeField), "bridge", "private", false), (change.Attribute, change.Before, change.After, change.ForcesReplace));
        Assert.Contains("mode: bridge → private", TextRenderer.Render(plan), StringComparison.Ordinal);
    }

    [Fact]
    public void Details_without_an_opinion_on_a_field_accept_whatever_the_link_has()
    {
        var want = Vxlan(42) with { Details = new VxlanDetails(42, null) };
        Assert.True(Plan(want, Vxlan(42)).IsEmpty);
        Assert.False(Plan(want with { Details = new VxlanDetails(null, 8472) }, Vxlan(42)).IsEmpty);
    }
}
