namespace Topo.Core.Tests.Support;

public sealed class GoldenTests
{
    [Fact]
    public void Diff_shows_changed_lines_with_context()
    {
        var diff = Golden.Diff("a\nb\nc\nd\ne\nf\ng\n", "a\nb\nc\nD\ne\nf\ng\n");

        Assert.Equal("  b\n  c\n- d\n+ D\n  e\n  f\n", diff);
    }

    [Fact]
    public void Diff_makes_escape_bytes_visible() =>
        Assert.Contains("+ \\e[32m+", Golden.Diff("+\n", "\u001b[32m+\n"));

    [Fact]
    public void Golden_directory_is_in_the_repository() =>
        Assert.True(Directory.Exists(Golden.Directory), Golden.Directory);
}
