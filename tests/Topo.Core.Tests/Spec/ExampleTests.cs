using Topo.Core.Spec;

namespace Topo.Core.Tests.Spec;

public sealed class ExampleTests
{
    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(RepoPaths.Examples, "*.yaml").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_example_loads_without_diagnostics(string name)
    {
        var result = SpecLoader.Load(Path.Combine(RepoPaths.Examples, name));
        Assert.Equal("", string.Join("\n", result.Diagnostics));
        Assert.NotNull(result.File);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_example_points_editors_at_the_schema_and_says_its_scenario(string name)
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Examples, name));
        Assert.Equal("# yaml-language-server: $schema=../schemas/topo.schema.json", lines[0]);
        Assert.StartsWith("# Reference scenario", lines[1]);
    }

    [Fact]
    public void Wordpress_keeps_mariadb_internal_and_publishes_80_from_wordpress()
    {
        var file = SpecLoader.Load(Path.Combine(RepoPaths.Examples, "wordpress.yaml")).File!;
        Assert.True(file.FindNetwork("internal")!.Internal);
        var mariadb = file.FindContainer("mariadb")!;
        Assert.Equal(["internal"], mariadb.Networks.Select(a => a.Network));
        Assert.Empty(mariadb.Ports);
        var wordpress = file.FindContainer("wordpress")!;
        Assert.Equal(["internal", "bridge"], wordpress.Networks.Select(a => a.Network));
        Assert.Equal("80:80/tcp", Assert.Single(wordpress.Ports).ToString());
    }
}
