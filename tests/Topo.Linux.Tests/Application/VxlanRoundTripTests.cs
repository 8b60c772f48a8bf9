using System.Text.Json;
using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Linux.Application;
using Topo.Linux.Observation;
using SandboxHost = Topo.Linux.Tests.Sandbox.Sandbox;

namespace Topo.Linux.Tests.Application;

/// <summary>
/// A VXLAN link through the whole pipeline in a sandbox: planned, created by its driver, observed
/// back into the model (then the plan is empty), changed in place, replaced, deleted. Checked with
/// `ip -d link` too.
/// </summary>
public sealed class VxlanRoundTripTests
{
    private const string Project = "tun";
    private static readonly Label Overlay = new(Project, LabelRole.Network, "overlay");

    private static LinkState Vxlan => new("", "vx-overlay", LinkKind.Vxlan)
    {
        Owner = Overlay, Up = true, Mtu = 1400, Details = new VxlanDetails(42, 4789), Parent = new LinkRef("", "uplink0"),
    };

    [Fact]
    public void Vxlan_link_is_created_observed_changed_and_deleted_through_the_planner()
    {
        SandboxHost.SkipUnlessRoot();
        using var sandbox = SandboxHost.Create(withOutside: true); // uplink0: the lower device
        using var applier = new Applier(sandbox.Store, sandbox.Host);
        using var observer = new Observer(sandbox.Store, sandbox.Host);

        var (created, observed) = Converge(applier, observer, Vxlan);
        Assert.Equal(ActionKind.Create, Assert.Single(created.Actions).Kind);
        var link = observed.FindLink(Vxlan.Ref)!;
        Assert.Equal((LinkKind.Vxlan, new VxlanDetails(42, 4789), new LinkRef("", "uplink0")), (link.Type, link.Details, link.Parent));
        var data = Info(sandbox);
        Assert.Equal((42, 4789, "uplink0"), (data.GetProperty("id").GetInt32(), data.GetProperty("port").GetInt32(), data.GetProperty("link").GetString()));
        var index = Index(sandbox);

        var (mtu, _) = Converge(applier, observer, Vxlan with { Mtu = 1300 });
        Assert.Equal(ActionKind.Update, Assert.Single(mtu.Actions).Kind);
        Assert.Equal(index, Index(sandbox)); // changed in place, not made again

        var (vni, _) = Converge(applier, observer, Vxlan with { Mtu = 1300, Details = new VxlanDetails(43, 4789) });
        Assert.Equal(ActionKind.Replace, Assert.Single(vni.Actions).Kind); // the kernel cannot change a VNI
        Assert.Equal(43, Info(sandbox).GetProperty("id").GetInt32());

        var (deleted, gone) = Converge(applier, observer);
        Assert.Equal(ActionKind.Delete, Assert.Single(deleted.Actions).Kind);
        Assert.Null(gone.FindLink(Vxlan.Ref));
        Assert.Null(SandboxHost.Link(sandbox.Host, Vxlan.Name));
    }

    /// <summary>Plans the links against what is there, applies the plan, and checks that planning again finds nothing to do.</summary>
    private static (Plan Applied, HostState Observed) Converge(Applier applier, Observer observer, params LinkState[] links)
    {
        var desired = HostState.Empty with { Links = [.. links] };
        var plan = Planner.Plan(Project, desired, observer.Observe(Project)).Plan!;
        applier.Apply(plan);
        var observed = observer.Observe(Project);
        var again = Planner.Plan(Project, desired, observed).Plan!;
        Assert.True(again.IsEmpty, $"still to do: {string.Join(", ", again.Actions.Select(a => $"{a.Kind} {a.Subject.Display}"))}");
        return (plan, observed);
    }

    private static JsonElement Info(SandboxHost sandbox) =>
        SandboxHost.Link(sandbox.Host, Vxlan.Name)!.Value.GetProperty("linkinfo").GetProperty("info_data");

    private static int Index(SandboxHost sandbox) => SandboxHost.Link(sandbox.Host, Vxlan.Name)!.Value.GetProperty("ifindex").GetInt32();
}
