using Topo.Scenarios.Support;

namespace Topo.Scenarios.Host;

/// <summary>The real binary run as an ordinary user (nobody) on a host whose /run is root's, as on a real machine.</summary>
public sealed class NotRootScenarioTests
{
    private const string Hint =
        "  reading or changing the live host needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN); " +
        "to review a change without a host, use `topo plan FILE --state SNAPSHOT` or `--against BASE.yaml`\n";

    [Fact]
    public void Apply_and_destroy_say_they_need_root_as_plan_does()
    {
        var file = Repo.PathOf("examples/wordpress.yaml");
        var s = SandboxShell.Run($$"""
            chmod 755 /run # a real /run: only root may create files in it
            user() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
            step plan user $TOPO plan {{file}}
            step apply user $TOPO apply {{file}}
            step destroy user $TOPO destroy {{file}}
            step no_lock test ! -e /run/topo.lock
            """);
        Assert.Equal(1, s["plan"].ExitCode);
        Assert.EndsWith(Hint, s["plan"].Output);
        foreach (var verb in new[] { "apply", "destroy" })
        {
            Assert.Equal(1, s[verb].ExitCode);
            Assert.Equal("error: cannot open the apply lock /run/topo.lock: permission denied\n" + Hint, s[verb].Output);
        }
        s.Ok("no_lock");
    }
}
