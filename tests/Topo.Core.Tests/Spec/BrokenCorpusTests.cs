using System.Text;
using Topo.Core.Spec;

namespace Topo.Core.Tests.Spec;

/// <summary>
/// Walks broken/NAME.yaml: the loader must print exactly the lines of broken/NAME.expected.
/// Set TOPO_ACCEPT=1 to write the actual output over the expected files in the source tree (then review the diff).
/// </summary>
public sealed class BrokenCorpusTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(RepoPaths.Broken, "*.yaml").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileNameWithoutExtension(f));
        return data;
    }

    [Fact]
    public void Corpus_is_large_enough() => Assert.True(Cases().Count >= 45);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Broken_file_gives_exactly_the_expected_diagnostics(string name)
    {
        // As bytes, as `topo` reads a file: some cases are not UTF-8 on purpose.
        var bytes = File.ReadAllBytes(Path.Combine(RepoPaths.Broken, name + ".yaml"));
        var result = SpecLoader.ParseUtf8(bytes, name + ".yaml");
        var actual = result.Diagnostics.Select(d => d.ToString()).ToArray();

        var expectedPath = Path.Combine(RepoPaths.Broken, name + ".expected");
        if (Environment.GetEnvironmentVariable("TOPO_ACCEPT") == "1")
        {
            var source = Path.Combine(RepoPaths.Root, "tests", "Topo.Core.Tests", "Spec", "broken", name + ".expected");
            File.WriteAllLines(source, actual);
        }
        var expected = File.Exists(expectedPath) ? File.ReadAllLines(expectedPath).Where(l => l.Length > 0).ToArray() : [];

        Assert.True(expected.SequenceEqual(actual), Diff(expected, actual));
        Assert.Contains(result.Diagnostics, d => d.Severity == Severity.Error);
        Assert.Null(result.File);
    }

    private static string Diff(string[] expected, string[] actual)
    {
        var sb = new StringBuilder("diagnostics differ (- expected, + actual):\n");
        var both = new HashSet<string>(expected.Intersect(actual));
        foreach (var l in expected) sb.Append(both.Contains(l) ? "  " : "- ").AppendLine(l);
        foreach (var l in actual) if (!both.Contains(l)) sb.Append("+ ").AppendLine(l);
        return sb.ToString();
    }
}
