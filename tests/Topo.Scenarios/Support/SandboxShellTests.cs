using Xunit.Sdk;

namespace Topo.Scenarios.Support;

/// <summary>
/// The sandbox's hang guard judges silence, not total time: a script that keeps printing may take
/// as long as a busy machine needs (the crash and rollback walks ran past their fixed limits under
/// load), and one that stops printing is killed and fails its test.
/// </summary>
public sealed class SandboxShellTests
{
    [Fact]
    public void A_script_that_keeps_printing_runs_past_the_silence_allowed()
    {
        // 15 s, a line a second, against 10 s of silence allowed (the sandbox's silent setup fits in it).
        var s = SandboxShell.Run("""
            for i in $(seq 15); do echo "tick $i"; sleep 1; done
            step done echo finished
            """, silence: TimeSpan.FromSeconds(10));
        Assert.Equal("finished\n", s.Ok("done").Output);
    }

    [Fact]
    public void A_script_silent_for_longer_is_killed_and_fails_its_test()
    {
        var failure = Assert.Throws<FailException>(() => SandboxShell.Run("""
            step first echo started
            sleep 120
            step never echo too late
            """, silence: TimeSpan.FromSeconds(10)));
        Assert.Contains("printed nothing for 10 s and was killed", failure.Message);
        Assert.Contains("@@@begin first", failure.Message);
    }
}
