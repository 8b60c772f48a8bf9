using Topo.Core.Spec;

namespace Topo.Core.Tests.Spec;

/// <summary>Keeps schemas/topo.schema.json and the loader in agreement.</summary>
public sealed class SchemaAgreementTests
{
    [Theory]
    [MemberData(nameof(ExampleTests.Examples), MemberType = typeof(ExampleTests))]
    public void Every_example_passes_the_schema(string name)
    {
        var diagnostics = SchemaValidator.ValidateFile(Path.Combine(RepoPaths.Examples, name));
        Assert.Equal("", string.Join("\n", diagnostics));
    }

    public static TheoryData<string> ShapeCases()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(RepoPaths.Broken, "shape-*.yaml").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileNameWithoutExtension(f));
        return data;
    }

    /// <summary>Files named shape-* are rejected by the loader for their shape (unknown key, wrong type, bad enum).</summary>
    [Theory]
    [MemberData(nameof(ShapeCases))]
    public void Shape_errors_are_rejected_by_the_schema_too(string name)
    {
        var path = Path.Combine(RepoPaths.Broken, name + ".yaml");
        Assert.NotNull(SpecLoader.Load(path).Diagnostics.FirstOrDefault(d => d.Severity == Severity.Error));
        var diagnostics = SchemaValidator.ValidateFile(path);
        Assert.Contains(diagnostics, d => d.Severity == Severity.Error);
    }

    [Fact]
    public void There_are_shape_cases_to_compare() => Assert.True(ShapeCases().Count >= 20);

    [Fact]
    public void Schema_errors_point_at_the_offending_key()
    {
        const string text = "version: 1\nname: t\nnetworks:\n  a:\n    subnett: 10.0.0.0/8\n";
        var d = Assert.Single(SchemaValidator.Validate(text, "x.yaml"));
        Assert.Equal(new SourceSpan("x.yaml", 5, 5), d.Span);
    }

    [Fact]
    public void Quoted_booleans_are_strings_to_the_schema_and_plain_ones_are_booleans()
    {
        Assert.Empty(SchemaValidator.Validate("version: 1\nname: t\nnetworks:\n  a:\n    internal: true\n", "x.yaml"));
        Assert.NotEmpty(SchemaValidator.Validate("version: 1\nname: t\nnetworks:\n  a:\n    internal: \"true\"\n", "x.yaml"));
        Assert.Empty(SchemaValidator.Validate("version: 1\nname: t\nnetworks:\n  a:\n    options: {com.docker.network.bridge.enable_icc: \"false\"}\n", "x.yaml"));
    }

    [Theory]
    [InlineData("macvlan-no-parent")]
    [InlineData("bridge-fields-on-macvlan")]
    [InlineData("macvlan-fields-on-bridge")]
    public void Driver_specific_fields_are_checked_by_the_schema_for_editors(string name)
    {
        var diagnostics = SchemaValidator.ValidateFile(Path.Combine(RepoPaths.Broken, name + ".yaml"));
        Assert.Contains(diagnostics, d => d.Severity == Severity.Error);
    }

    [Fact]
    public void A_macvlan_parent_given_as_docker_option_satisfies_the_schema() =>
        Assert.Empty(SchemaValidator.Validate("version: 1\nname: t\nnetworks:\n  e:\n    driver: macvlan\n    options: {parent: eth0}\n", "x.yaml"));
}
