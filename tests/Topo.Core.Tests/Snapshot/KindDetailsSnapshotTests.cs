using System.Text.Json;
using Topo.Core.Model;
using Topo.Core.Snapshot;
using Topo.Core.Tests.Support;

namespace Topo.Core.Tests.Snapshot;

/// <summary>
/// A link kind's own fields in snapshots: an object named after the kind, written and read from
/// what the kind's record declares; and the flat keys snapshots had before (2026-12) still read.
/// </summary>
public sealed class KindDetailsSnapshotTests
{
    private static readonly LinkState Overlay = new("", "vx-overlay", LinkKind.Vxlan)
    {
        Up = true, Parent = new LinkRef("", "enp1s0"), Details = new VxlanDetails(42, 4789),
    };

    private static string Snapshot(string links) =>
        $$"""{"format": "topo-state", "version": 1, "links": [{{links}}]}""";

    [Fact]
    public void Vxlan_details_are_an_object_named_after_the_kind_and_read_back()
    {
        var text = StateJson.Write(HostState.Empty with { Links = [Overlay] });

        using var doc = JsonDocument.Parse(text);
        var link = doc.RootElement.GetProperty("links")[0];
        Assert.Equal(["vni=42", "dstport=4789"], link.GetProperty("vxlan").EnumerateObject().Select(p => $"{p.Name}={p.Value.GetRawText()}"));
        Assert.Equal(Overlay, StateJson.Read(text).Links.Single());
    }

    [Fact]
    public void A_snapshot_written_before_kind_objects_still_loads()
    {
        // observed.json exactly as the last release wrote it (flat "macvlan_mode").
        var old = File.ReadAllText(Path.Combine(Golden.RepositoryRoot, "tests", "Topo.Core.Tests", "Snapshot", "Fixtures", "observed-before-kind-objects.json"));
        var state = StateJson.Read(old);

        Assert.Equal(Sorted(Samples.Observed()), Sorted(state));
        Assert.Equal(StateJson.Write(Samples.Observed()), StateJson.Write(state));
    }

    [Fact]
    public void Flat_kind_fields_of_old_snapshots_become_the_kinds_details()
    {
        var state = StateJson.Read(Snapshot("""
            {"name": "vx0", "type": "vxlan", "vni": 42, "dstport": 4789},
            {"name": "eth0.10", "type": "vlan", "vlan_id": 10},
            {"name": "mv0", "type": "macvlan", "macvlan_mode": "private"}
            """));

        Assert.Equal(
            [new VxlanDetails(42, 4789), new VlanDetails(10), new MacvlanDetails(MacvlanMode.Private)],
            state.Links.Select(l => l.Details));
    }

    [Theory]
    [InlineData("""{"name": "br0", "type": "bridge", "vni": 42}""", "\"vni\" is not a field of a bridge link")]
    [InlineData("""{"name": "mv0", "type": "macvlan", "vxlan": {"vni": 42}}""", "a vxlan object on a link of type macvlan")]
    [InlineData("""{"name": "vx0", "type": "vxlan", "vxlan": {"port": 4789}}""", "unknown field \"port\" (known fields: vni, dstport)")]
    [InlineData("""{"name": "vx0", "type": "vxlan", "vxlan": {"vni": 16777216}}""", "vni is 0..16777215, not 16777216")]
    [InlineData("""{"name": "mv0", "type": "macvlan", "macvlan": {"mode": "bridged"}}""", "\"bridged\" is not one of private, vepa, bridge, passthru, source")]
    [InlineData("""{"name": "vx0", "type": "vxlan", "vni": 42, "vxlan": {"vni": 43}}""", "vni is given twice")]
    public void Kind_fields_that_do_not_fit_the_link_are_refused_by_name(string link, string problem)
    {
        var e = Assert.Throws<StateFormatException>(() => StateJson.Read(Snapshot(link)));
        Assert.Contains(problem, e.Problem, StringComparison.Ordinal);
    }

    private static List<string> Sorted(HostState state) =>
        state.All().Select(r => r.ToString()).Order(StringComparer.Ordinal).ToList();
}
