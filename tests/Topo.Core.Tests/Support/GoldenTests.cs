using Xunit.Sdk;

namespace Topo.Core.Tests.Support;

/// <summary>The approval step on a temporary directory, never the real golden one.</summary>
public sealed class GoldenTests : IDisposable
{
    private readonly string _dir = System.IO.Directory.CreateTempSubdirectory("topo-golden-").FullName;

    public void Dispose() => System.IO.Directory.Delete(_dir, recursive: true);

    private string At(string name) => Path.Combine(_dir, name);

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
        Assert.True(System.IO.Directory.Exists(Golden.Directory), Golden.Directory);

    [Theory]
    [InlineData("plan.txt", "plan.received.txt")]
    [InlineData("change.color.txt", "change.color.received.txt")]
    [InlineData("bad-cidr.expected", "bad-cidr.received.expected")]
    [InlineData("README", "README.received")]
    public void Received_file_is_named_after_the_approved_one(string approved, string received) =>
        Assert.Equal(At(received), Approver.ReceivedPath(At(approved)));

    [Fact]
    public void A_mismatch_writes_the_received_file_beside_the_approved_one_and_fails_with_the_diff()
    {
        File.WriteAllText(At("plan.txt"), "a\nb\n");

        var failure = Assert.Throws<FailException>(() => new Approver(_dir, approve: false, null).Verify("plan.txt", "a\nB\n"));

        Assert.Contains("- b\n+ B\n", failure.Message);
        Assert.Contains(At("plan.received.txt"), failure.Message);
        Assert.Equal("a\nB\n", File.ReadAllText(At("plan.received.txt")));
        Assert.Equal("a\nb\n", File.ReadAllText(At("plan.txt")));
    }

    [Fact]
    public void A_missing_approved_file_fails_and_leaves_the_output_as_received()
    {
        var failure = Assert.Throws<FailException>(() => new Approver(_dir, approve: false, null).Verify("new/plan.json", "{}\n"));

        Assert.Contains("no approved file", failure.Message);
        Assert.Equal("{}\n", File.ReadAllText(At("new/plan.received.json")));
        Assert.False(File.Exists(At("new/plan.json")));
    }

    [Fact]
    public void A_match_passes_and_deletes_a_received_file_left_by_an_earlier_mismatch()
    {
        File.WriteAllText(At("plan.txt"), "same\n");
        File.WriteAllText(At("plan.received.txt"), "old\n");

        new Approver(_dir, approve: false, null).Verify("plan.txt", "same\n");

        Assert.False(File.Exists(At("plan.received.txt")));
    }

    [Fact]
    public void Files_are_compared_byte_for_byte()
    {
        File.WriteAllText(At("plan.txt"), "a\r\n");

        Assert.Throws<FailException>(() => new Approver(_dir, approve: false, null).Verify("plan.txt", "a\n"));
    }

    [Fact]
    public void Approving_writes_the_approved_file_and_still_fails_so_the_change_is_reviewed()
    {
        File.WriteAllText(At("plan.txt"), "a\nb\n");
        File.WriteAllText(At("plan.received.txt"), "a\nB\n");

        var failure = Assert.Throws<FailException>(() => new Approver(_dir, approve: true, null).Verify("plan.txt", "a\nB\n"));

        Assert.Contains("was updated because TOPO_APPROVE=1", failure.Message);
        Assert.Contains("- b\n+ B\n", failure.Message);
        Assert.Equal("a\nB\n", File.ReadAllText(At("plan.txt")));
        Assert.False(File.Exists(At("plan.received.txt")));
        new Approver(_dir, approve: false, null).Verify("plan.txt", "a\nB\n"); // the next, ordinary run passes
    }

    [Fact]
    public void Approving_creates_a_missing_approved_file_and_fails()
    {
        var failure = Assert.Throws<FailException>(() => new Approver(_dir, approve: true, null).Verify("new/plan.md", "# plan\n"));

        Assert.Contains("was created because TOPO_APPROVE=1", failure.Message);
        Assert.Equal("# plan\n", File.ReadAllText(At("new/plan.md")));
    }

    [Fact]
    public void Approving_output_that_already_matches_passes()
    {
        File.WriteAllText(At("plan.txt"), "same\n");

        new Approver(_dir, approve: true, null).Verify("plan.txt", "same\n");
    }

    [Fact]
    public void Verifying_a_file_that_is_not_listed_fails_before_comparing()
    {
        File.WriteAllText(At("plan.txt"), "same\n");
        var approver = new Approver(_dir, approve: false, new HashSet<string> { At("other.txt") });

        var failure = Assert.Throws<FailException>(() => approver.Verify("plan.txt", "same\n"));

        Assert.Contains("plan.txt is not listed", failure.Message);
    }

    [Fact]
    public void The_stale_check_names_approved_files_that_no_test_lists()
    {
        System.IO.Directory.CreateDirectory(At("cases/web"));
        foreach (var name in new[] { "cases/web/plan.txt", "cases/web/plan.md", "cases/web/plan.received.md", "cases/.gitattributes", "notes.txt" })
            File.WriteAllText(At(name), "x\n");

        var stale = Approver.Unlisted([(At("cases"), "*")], new HashSet<string> { At("cases/web/plan.txt") });

        Assert.Equal([At("cases/web/plan.md")], stale);
    }

    [Fact]
    public void The_stale_check_only_looks_at_files_of_the_given_pattern()
    {
        File.WriteAllText(At("a.yaml"), "x\n");
        File.WriteAllText(At("a.expected"), "x\n");
        File.WriteAllText(At("b.expected"), "x\n");

        var stale = Approver.Unlisted([(_dir, "*.expected")], new HashSet<string> { At("a.expected") });

        Assert.Equal([At("b.expected")], stale);
    }
}
