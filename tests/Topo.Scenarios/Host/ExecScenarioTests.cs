using System.Text.Json;
using Topo.Scenarios.Support;

namespace Topo.Scenarios.Host;

/// <summary>
/// <c>topo exec</c> for real: the process becomes the command inside the container's namespace,
/// checked from outside against what <c>ip netns exec</c> gives the same command.
/// </summary>
public sealed class ExecScenarioTests
{
    private const string Modes = """
        version: 1
        name: x
        networks:
          front: {subnet: 10.1.0.0/24}
        containers:
          web:
            networks:
              front: {ipv4: 10.1.0.10}
          side: {network_mode: "container:web"}
          tool: {network_mode: host}
          sealed: {network_mode: none}
          stranger: {network_mode: none}
        """;

    private static string[] Inet(JsonElement addr, string ifname) =>
        [.. addr.EnumerateArray().Where(i => i.GetProperty("ifname").GetString() == ifname)
            .SelectMany(i => i.GetProperty("addr_info").EnumerateArray())
            .Where(a => a.GetProperty("family").GetString() == "inet")
            .Select(a => $"{a.GetProperty("local").GetString()}/{a.GetProperty("prefixlen").GetInt32()}")];

    private static string[] Names(JsonElement links) =>
        [.. links.EnumerateArray().Select(l => l.GetProperty("ifname").GetString()!).Order(StringComparer.Ordinal)];

    private const ulong SigPipe = 1UL << (13 - 1);

    /// <summary>SigBlk and SigIgn of /proc/PID/status (bit N-1 is signal N).</summary>
    private static (ulong Blocked, ulong Ignored) Signals(string status)
    {
        var fields = status.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(":\t")).ToDictionary(f => f[0], f => Convert.ToUInt64(f[1], 16));
        return (fields["SigBlk"], fields["SigIgn"]);
    }

    [Fact]
    public void The_command_runs_in_the_containers_namespace_with_its_etc_files_and_becomes_the_process()
    {
        var file = TempSpec.Write(Modes);
        var s = SandboxShell.Run($$"""
            $TOPO apply {{file}} >/dev/null
            echo 'nameserver 192.0.2.53' > /etc/netns/web/resolv.conf
            # Where topo exec mounts for its command (/etc files, /sys): other tests' sandboxes
            # come and go elsewhere in this mount table meanwhile.
            mounts=$(mktemp) && cut -d' ' -f5 /proc/self/mountinfo | grep -E '^/(etc|sys)(/|$)' | sort > $mounts
            step addr $TOPO exec {{file}} web -- ip -j addr
            step resolv $TOPO exec {{file}} web -- cat /etc/resolv.conf
            step sys $TOPO exec {{file}} web -- ls /sys/class/net
            step same_netns sh -c '[ "$($TOPO exec {{file}} web -- readlink /proc/self/ns/net)" = "$(ip netns exec web readlink /proc/self/ns/net)" ]'
            step own_mount_ns sh -c '[ "$($TOPO exec {{file}} web -- readlink /proc/self/ns/mnt)" != "$(readlink /proc/self/ns/mnt)" ]'
            step status $TOPO exec {{file}} web -- sh -c 'exit 7'
            step stdin sh -c "printf 'hello\n' | $TOPO exec {{file}} web -- tr a-z A-Z"
            step stdout_only sh -c "$TOPO exec {{file}} web -- sh -c 'echo out; echo err >&2' 2>/dev/null"
            step stderr_only sh -c "$TOPO exec {{file}} web -- sh -c 'echo out; echo err >&2' 2>&1 >/dev/null"
            # The process is the command: the pid the shell started is the one the command has.
            $TOPO exec {{file}} web -- sh -c 'echo $$' > /tmp/exec-pid.$$ & started=$!; wait $started
            step same_pid test "$(cat /tmp/exec-pid.$$)" = "$started"
            rm -f /tmp/exec-pid.$$
            # What the runtime changed must not reach the command: signals as ip netns exec gives
            # them, but SIGPIPE not ignored (the runtime ignores it, and so this script, started
            # by the test host, inherited it ignored); no descriptor of topo's left open.
            step signals $TOPO exec {{file}} web -- grep -E '^Sig(Blk|Ign)' /proc/self/status
            step signals_ip ip netns exec web grep -E '^Sig(Blk|Ign)' /proc/self/status
            step sigpipe $TOPO exec {{file}} web -- sh -c 'kill -PIPE $$; echo survived'
            step fds $TOPO exec {{file}} web -- ls /proc/self/fd
            step fds_ip ip netns exec web ls /proc/self/fd
            step passed_fd sh -c "$TOPO exec {{file}} web -- sh -c 'head -1 <&3' 3<{{file}}"
            # Nothing mounted for the command is left on the host.
            step mounts_left sh -c "cut -d' ' -f5 /proc/self/mountinfo | grep -E '^/(etc|sys)(/|\$)' | sort | diff $mounts -"
            step host_resolv_untouched sh -c '! grep -q 192.0.2.53 /etc/resolv.conf 2>/dev/null'
            """);
        Assert.Equal(["10.1.0.10/24"], Inet(s.Ok("addr").Json(), "eth0"));
        Assert.Equal("nameserver 192.0.2.53\n", s.Ok("resolv").Output);
        Assert.Equal("eth0\nlo\n", s.Ok("sys").Output);
        s.Ok("same_netns");
        s.Ok("own_mount_ns");
        Assert.Equal(7, s["status"].ExitCode);
        Assert.Equal("HELLO\n", s.Ok("stdin").Output);
        Assert.Equal("out\n", s.Ok("stdout_only").Output);
        Assert.Equal("err\n", s.Ok("stderr_only").Output);
        s.Ok("same_pid");
        var (blocked, ignored) = Signals(s.Ok("signals").Output);
        var (_, ignoredByIp) = Signals(s.Ok("signals_ip").Output);
        Assert.Equal(0UL, blocked);
        Assert.Equal(ignoredByIp & ~SigPipe, ignored);
        Assert.Equal(128 + 13, s["sigpipe"].ExitCode); // killed by SIGPIPE, as a shell's command would be
        Assert.Equal(s.Ok("fds_ip").Output, s.Ok("fds").Output);
        Assert.Equal("version: 1\n", s.Ok("passed_fd").Output);
        s.Ok("mounts_left");
        s.Ok("host_resolv_untouched");
    }

    [Fact]
    public void Host_container_and_none_modes_run_where_the_file_puts_them()
    {
        var file = TempSpec.Write(Modes);
        var s = SandboxShell.Run($$"""
            $TOPO apply {{file}} >/dev/null
            step host $TOPO exec {{file}} tool -- ip -j link
            step host_netns sh -c '[ "$($TOPO exec {{file}} tool -- readlink /proc/self/ns/net)" = "$(readlink /proc/self/ns/net)" ]'
            step shared $TOPO exec {{file}} side -- ip -j addr
            step shared_netns sh -c '[ "$($TOPO exec {{file}} side -- readlink /proc/self/ns/net)" = "$(ip netns exec web readlink /proc/self/ns/net)" ]'
            step none $TOPO exec {{file}} sealed -- ip -j link
            """);
        var host = Names(s.Ok("host").Json());
        Assert.Contains("uplink0", host); // the sandbox host's own link
        Assert.Contains(host, n => n.StartsWith("br-", StringComparison.Ordinal));
        s.Ok("host_netns");
        Assert.Equal(["10.1.0.10/24"], Inet(s.Ok("shared").Json(), "eth0"));
        s.Ok("shared_netns");
        Assert.Equal(["lo"], Names(s.Ok("none").Json()));
    }

    [Fact]
    public void Unknown_containers_unapplied_files_foreign_namespaces_and_missing_commands_run_nothing()
    {
        var file = TempSpec.Write(Modes);
        var s = SandboxShell.Run($$"""
            run() { $TOPO exec {{file}} "$@" -- touch /tmp/exec-ran.$$; }
            step not_applied run web
            $TOPO apply {{file}} >/dev/null
            ip netns del stranger
            ip netns add stranger
            step unknown run webb
            step foreign run stranger
            step not_found $TOPO exec {{file}} web -- no-such-command
            step not_executable $TOPO exec {{file}} web -- {{file}}
            step no_such_path $TOPO exec {{file}} web -- /no/such/program
            step nothing_ran test ! -e /tmp/exec-ran.$$
            """);
        Assert.Equal(1, s["not_applied"].ExitCode);
        Assert.Equal($"error: container 'web' has no namespace on this host yet (/run/netns/web does not exist): apply first: topo apply {file}\n", s["not_applied"].Output);
        Assert.Equal(1, s["unknown"].ExitCode);
        Assert.Equal($"error: no container 'webb' in {file}; did you mean 'web'? (containers: sealed, side, stranger, tool, web)\n", s["unknown"].Output);
        Assert.Equal(1, s["foreign"].ExitCode);
        Assert.Equal("error: namespace 'stranger' is not topo's (no topo label on its lo): topo exec runs commands only in namespaces topo made\n", s["foreign"].Output);
        Assert.Equal(127, s["not_found"].ExitCode);
        Assert.Equal("error: no-such-command: command not found\n", s["not_found"].Output);
        Assert.Equal(126, s["not_executable"].ExitCode);
        Assert.Equal($"error: {file}: Permission denied\n", s["not_executable"].Output);
        Assert.Equal(127, s["no_such_path"].ExitCode);
        Assert.Equal("error: /no/such/program: No such file or directory\n", s["no_such_path"].Output);
        s.Ok("nothing_ran");
    }
}
