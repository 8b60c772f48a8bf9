using System.Text.Json;
using Topo.Core.Rendering;
using Topo.Core.Tests.Support;

namespace Topo.Core.Tests.Rendering;

public sealed class PlanJsonDocumentationTests
{
    [Fact]
    public void Example_in_the_documentation_is_what_the_renderer_writes()
    {
        var doc = File.ReadAllText(Path.Combine(Golden.Directory, "..", "..", "..", "docs", "plan-json.md"));
        var start = doc.IndexOf("```json\n", StringComparison.Ordinal) + "```json\n".Length;
        using var example = JsonDocument.Parse(doc[start..doc.IndexOf("```", start, StringComparison.Ordinal)]);
        using var rendered = JsonDocument.Parse(JsonRenderer.Render(Samples.ChangePlan()));

        var documented = example.RootElement.GetProperty("actions")[0];
        var actual = rendered.RootElement.GetProperty("actions").EnumerateArray()
            .Single(a => a.GetProperty("id").GetInt32() == documented.GetProperty("id").GetInt32());
        Assert.Equal(actual.GetRawText(), documented.GetRawText());
        Assert.Equal(
            rendered.RootElement.EnumerateObject().Select(p => p.Name),
            example.RootElement.EnumerateObject().Select(p => p.Name));
    }
}
