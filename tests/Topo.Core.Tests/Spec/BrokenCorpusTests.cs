using Topo.Core.Spec;
using Topo.Core.Tests.Support;

namespace Topo.Core.Tests.Spec;

/// <summary>
/// Walks broken/NAME.yaml: the loader must print exactly the lines of broken/NAME.expected.
/// The .expected files are approved files (see <see cref="Golden"/>): a mismatch leaves NAME.received.expected beside them.
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

        Golden.Verify(ExpectedPath(name), string.Concat(result.Diagnostics.Select(d => d + "\n")));
        Assert.Contains(result.Diagnostics, d => d.Severity == Severity.Error);
        Assert.Null(result.File);
    }

    /// <summary>The approved diagnostics of a case, one a line.</summary>
    internal static string ExpectedPath(string name) => Path.Combine(RepoPaths.Broken, name + ".expected");
}
