using Topo.Scenarios.Support;

namespace Topo.Scenarios.Host;

/// <summary>
/// The real binary run as an ordinary user (nobody) on a host whose /run is root's, as on a real
/// machine. The binary and files it reads are the sandbox's world-readable copies (user_topo,
/// user_file), so this holds wherever the project is checked out.
/// </summary>
public sealed class NotRootScenarioTests
{
    private const string Hint =
        "  reading or changing the live host needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN); " +
        "to review a change without a host, use `topo plan FILE --state SNAPSHOT` or `--against BASE.yaml`\n";

    private const string NoNetAdmin =
        "this process may not change the host's network: it lacks CAP_NET_ADMIN over the host's network namespace " +
        "(the kernel refused a no-op netlink change with EPERM); nothing was changed";

    /// <summary>
    /// Root without CAP_NET_ADMIN (bounding set), and root of a user namespace (every capability,
    /// but over a namespace that does not own the host's network): a clear error, and the host is
    /// byte-equal to before: links, addresses, routes, namespaces, mounts, files, firewall.
    /// </summary>
    [Fact]
    public void Apply_without_cap_net_admin_changes_nothing()
    {
        var s = SandboxShell.Run($$"""
            file={{Repo.PathOf("examples/wordpress.yaml")}}
            snap() { ip -d -j link; ip -j addr; ip -j route; ip netns list; ls -la /run /run/netns /etc/netns; cut -d' ' -f5 /proc/self/mountinfo | grep -cE '^/(run|etc)/netns'; nft list ruleset; }
            snap > /tmp/before.$$
            step dropped setpriv --inh-caps=-all --ambient-caps=-all --bounding-set=-net_admin $TOPO apply $file
            snap > /tmp/after-dropped.$$
            step same_after_dropped diff /tmp/before.$$ /tmp/after-dropped.$$
            step userns unshare --user --map-root-user $TOPO apply $file
            snap > /tmp/after-userns.$$
            step same_after_userns diff /tmp/before.$$ /tmp/after-userns.$$
            rm -f /tmp/before.$$ /tmp/after-*.$$
            """);
        foreach (var how in new[] { "dropped", "userns" })
        {
            Assert.Equal(1, s[how].ExitCode);
            Assert.Equal("error: " + NoNetAdmin + "\n" + Hint, s[how].Output);
        }
        s.Ok("same_after_dropped");
        s.Ok("same_after_userns");
    }

    [Fact]
    public void Apply_and_destroy_say_they_need_root_as_plan_does()
    {
        var s = SandboxShell.Run($$"""
            file=$(user_file {{Repo.PathOf("examples/wordpress.yaml")}})
            chmod 755 /run # a real /run: only root may create files in it
            step runs user_topo version
            step plan user_topo plan $file
            step apply user_topo apply $file
            step destroy user_topo destroy $file
            step no_lock test ! -e /run/topo.lock
            """);
        s.Ok("runs");
        Assert.Equal(1, s["plan"].ExitCode);
        Assert.EndsWith(Hint, s["plan"].Output);
        foreach (var verb in new[] { "apply", "destroy" })
        {
            Assert.Equal(1, s[verb].ExitCode);
            Assert.Equal("error: " + NoNetAdmin + "\n" + Hint, s[verb].Output);
        }
        s.Ok("no_lock");
    }

    [Fact]
    public void Exec_says_it_needs_root_and_runs_nothing()
    {
        var file = TempSpec.Write("""
            version: 1
            name: x
            containers:
              web: {network_mode: none}
              tool: {network_mode: host}
            """);
        var s = SandboxShell.Run($$"""
            $TOPO apply {{file}} >/dev/null
            file=$(user_file {{file}})
            mkdir -m 1777 /run/topo-user/out # where the user could leave a mark
            chmod 755 /run
            step exec user_topo exec $file web -- touch /run/topo-user/out/ran
            step nothing_ran test ! -e /run/topo-user/out/ran
            # Host mode enters nothing: the command runs as the user who asked.
            step host user_topo exec $file tool -- id -u
            """);
        Assert.Equal(1, s["exec"].ExitCode);
        Assert.Equal("error: setns(/run/netns/web): Operation not permitted (errno 1, system call failed)\n" + Hint, s["exec"].Output);
        s.Ok("nothing_ran");
        Assert.Equal("65534\n", s.Ok("host").Output);
    }
}
