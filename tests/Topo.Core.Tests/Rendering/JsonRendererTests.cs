using System.Text.Json;
using Topo.Core.Planning;
using Topo.Core.Rendering;
using Topo.Core.Tests.Support;

namespace Topo.Core.Tests.Rendering;

public sealed class JsonRendererTests
{
    [Theory]
    [MemberData(nameof(TextRendererTests.Plans), MemberType = typeof(TextRendererTests))]
    public void Json_matches_the_golden_file(string name) =>
        Golden.Verify($"rendering/{name}.json", JsonRenderer.Render(TextRendererTests.Sample(name)));

    [Fact]
    public void Rendering_is_deterministic() =>
        Assert.Equal(JsonRenderer.Render(Samples.ChangePlan()), JsonRenderer.Render(Samples.ChangePlan()));

    [Fact]
    public void Has_the_documented_top_level_fields()
    {
        using var doc = JsonDocument.Parse(JsonRenderer.Render(Samples.ChangePlan()));
        var root = doc.RootElement;

        Assert.Equal(["format", "format_version", "project", "summary", "actions"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("topo-plan", root.GetProperty("format").GetString());
        Assert.Equal(Plan.FormatVersion, root.GetProperty("format_version").GetInt32());
        Assert.Equal("wordpress", root.GetProperty("project").GetString());
        var summary = root.GetProperty("summary");
        Assert.Equal((1, 1, 4), (summary.GetProperty("add").GetInt32(), summary.GetProperty("change").GetInt32(), summary.GetProperty("destroy").GetInt32()));
    }

    [Fact]
    public void Every_action_has_every_documented_field()
    {
        using var doc = JsonDocument.Parse(JsonRenderer.Render(Samples.ChangePlan()));
        string[] fields = ["id", "action", "symbol", "resource", "before", "after", "changes", "includes", "depends_on", "reason", "group"];

        foreach (var action in doc.RootElement.GetProperty("actions").EnumerateArray())
        {
            Assert.Equal(fields, action.EnumerateObject().Select(p => p.Name));
            Assert.Equal(["kind", "key", "namespace", "label"], action.GetProperty("resource").EnumerateObject().Select(p => p.Name));
            Assert.Equal(["kind", "name"], action.GetProperty("group").EnumerateObject().Select(p => p.Name));
        }
    }

    [Fact]
    public void Actions_carry_kind_changes_includes_and_dependencies()
    {
        using var doc = JsonDocument.Parse(JsonRenderer.Render(Samples.ChangePlan()));
        var actions = doc.RootElement.GetProperty("actions").EnumerateArray().ToList();

        var replace = actions[1];
        Assert.Equal("replace", replace.GetProperty("action").GetString());
        Assert.Equal("-/+", replace.GetProperty("symbol").GetString());
        var change = replace.GetProperty("changes")[0];
        Assert.Equal("parent", change.GetProperty("attribute").GetString());
        Assert.Equal("enp1s0", change.GetProperty("before").GetString());
        Assert.Equal("enp2s0", change.GetProperty("after").GetString());
        Assert.True(change.GetProperty("forces_replace").GetBoolean());
        Assert.Equal("metrics", replace.GetProperty("resource").GetProperty("namespace").GetString());

        var delete = actions[2];
        Assert.Equal(JsonValueKind.Null, delete.GetProperty("after").ValueKind);
        Assert.Equal(JsonValueKind.Null, delete.GetProperty("resource").GetProperty("namespace").ValueKind);
        Assert.Equal("cache/eth0", delete.GetProperty("includes")[0].GetProperty("key").GetString());
        Assert.Equal("container", delete.GetProperty("group").GetProperty("kind").GetString());
        Assert.Equal("cache", delete.GetProperty("group").GetProperty("name").GetString());

        Assert.Equal([3], actions[3].GetProperty("depends_on").EnumerateArray().Select(e => e.GetInt32()));
    }
}
