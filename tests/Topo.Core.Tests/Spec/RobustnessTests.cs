using CsCheck;
using Topo.Core.Spec;

namespace Topo.Core.Tests.Spec;

/// <summary>Whatever the bytes, the loader and the schema validator answer with diagnostics, never an exception.</summary>
public sealed class RobustnessTests
{
    private static readonly string[] Texts =
        [.. Directory.GetFiles(RepoPaths.Examples, "*.yaml").Order(StringComparer.Ordinal).Select(File.ReadAllText)];

    [Fact]
    public void Mutated_examples_never_throw_and_never_hit_the_internal_error_path()
    {
        Gen.Select(Gen.Int[0, Texts.Length - 1], Gen.Int[0, 4000], Gen.Int[0, 12], Gen.Char[":-[]{}\"'\t\n #&*!|>,?%@`0a.\\"].Array[0, 6])
            .Sample(t =>
            {
                var (which, at, delete, insert) = t;
                var text = Texts[which];
                at %= text.Length + 1;
                delete = Math.Min(delete, text.Length - at);
                var mutated = text.Remove(at, delete).Insert(at, new string(insert));

                var result = SpecLoader.Parse(mutated, "f.yaml");
                Assert.Equal(result.HasErrors, result.File is null);
                Assert.DoesNotContain(result.Diagnostics, d => d.Message.StartsWith("internal error", StringComparison.Ordinal));
                SchemaValidator.Validate(mutated, "f.yaml");
            }, iter: 3000);
    }

    [Theory]
    [InlineData("[")]
    [InlineData("{a: [}")]
    [InlineData("\"unterminated")]
    [InlineData("a: 'x")]
    [InlineData("? [a]\n: b")]
    [InlineData("!!binary x")]
    [InlineData("a: &x\nb: *x")]
    [InlineData("%YAML 1.1\n---\na: 1")]
    [InlineData("\uFEFFversion: 1\nname: t\n")]
    [InlineData("version: 1\nname: t\ncontainers:\n  web:\n    networks: {bridge: {aliases: [*a]}}")]
    [InlineData("version: 99999999999999999999\nname: t\n")]
    [InlineData("a: &a [*a]")]
    [InlineData("a: &a {b: *a}")]
    [InlineData("version: 1\n\t# a comment after a tab\nname: t\n \t\n")]
    public void Odd_input_gives_diagnostics_not_exceptions(string text)
    {
        var result = SpecLoader.Parse(text, "f.yaml");
        Assert.Equal(result.HasErrors, result.File is null);
        Assert.DoesNotContain(result.Diagnostics, d => d.Message.StartsWith("internal error", StringComparison.Ordinal));
        SchemaValidator.Validate(text, "f.yaml");
    }
}
