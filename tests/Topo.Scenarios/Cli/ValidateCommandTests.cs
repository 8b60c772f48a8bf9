using Topo.Scenarios.Support;

namespace Topo.Scenarios.Cli;

public sealed class ValidateCommandTests
{
    public static TheoryData<string> BrokenFiles() =>
        [.. Directory.GetFiles(Repo.PathOf("tests/Topo.Core.Tests/Spec/broken"), "*.yaml").Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public void Every_broken_file_exits_1_with_positioned_errors_and_no_crash(string path)
    {
        var result = CliRunner.Run("validate", path);
        Assert.Equal(1, result.ExitCode);
        Assert.DoesNotContain("Exception", result.Error);
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.Matches(@"^.+\.yaml:\d+:\d+: (error|warning): .+", l));
    }

    [Fact]
    public void Every_example_is_valid()
    {
        var result = CliRunner.Run(["validate", .. Repo.Examples()]);
        Assert.True(result.ExitCode == 0, result.Error);
    }

    [Fact]
    public void A_missing_file_is_an_error_not_a_crash()
    {
        var result = CliRunner.Run("validate", "/nonexistent/topology.yaml");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("/nonexistent/topology.yaml", result.Error);
    }

    [Fact]
    public void Version_prints_the_version()
    {
        var result = CliRunner.Run("version");
        Assert.Matches(@"^topo \d+\.\d+\.\d+\n$", result.Out);
    }

    [Fact]
    public void A_failure_inside_a_command_is_one_clear_line_not_a_stack_trace()
    {
        // The fixed host of the runner answers Observe; an unreadable snapshot makes a command fail deep inside.
        var result = CliRunner.Run("plan", Repo.PathOf("examples/wordpress.yaml"), "--state", "/proc/self/mem");
        Assert.Equal(1, result.ExitCode);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.DoesNotContain("Unhandled exception", result.Error);
    }
}
