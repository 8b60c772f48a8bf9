using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Topo.Scenarios.Support;

/// <summary>
/// Runs a bash script as the host of a throwaway sandbox: a fresh network namespace and a
/// private mount namespace with tmpfs over /run, /run/netns and /etc/netns (unshare), and a
/// resolv.conf of its own for the host (TOPO_RESOLV_CONF: nameservers 10.99.0.1 and 127.0.0.53, search sandbox.test). Everything the
/// script makes dies with it, so nothing can leak into the machine's own namespace. The script
/// marks its steps with <c>step NAME command…</c>; each step's output and exit code come back by name.
/// An <c>uplink0</c> veth (peer <c>outside0</c> in the namespace <c>outside</c>) stands in for the host's NIC.
/// </summary>
internal static class SandboxShell
{
    public sealed record Step(int ExitCode, string Output)
    {
        public JsonElement Json()
        {
            using var doc = JsonDocument.Parse(Output);
            return doc.RootElement.Clone();
        }
    }

    /// <summary>The topo binary next to the tests (the CLI project is referenced, so its apphost is copied here).</summary>
    public static string Topo => Path.Combine(AppContext.BaseDirectory, "topo");

    private const string Prelude = """
        set -u
        # Traffic helpers the firewall scenarios share: an HTTP server in a namespace, and a GET from one.
        serve() { # serve NS PORT LOG
          ip netns exec $1 python3 -m http.server $2 --bind 0.0.0.0 > $3 2>&1 &
          for _ in $(seq 100); do ip netns exec $1 python3 -c "import socket; socket.create_connection(('127.0.0.1', $2), 0.2)" 2>/dev/null && return 0; sleep 0.05; done
          echo "server in $1 did not start"; return 1
        }
        fetch() { # fetch NS URL: prints ok or failed
          if ip netns exec $1 curl -s -o /dev/null -m 2 "$2"; then echo ok; else echo failed; fi
        }
        # A private /run: topo's apply lock (/run/topo.lock) and watcher state are the sandbox's own,
        # so sandboxes running side by side never wait on each other and nothing is left on the machine.
        mount -t tmpfs topo-test /run
        mkdir -p /run/netns /etc/netns
        mount -t tmpfs topo-test /run/netns
        mount -t tmpfs topo-test /etc/netns
        # The host's resolver as topo reads it: a file of the sandbox's own (the machine's is never read).
        printf 'nameserver 10.99.0.1\nnameserver 127.0.0.53\nsearch sandbox.test\n' > /run/host-resolv.conf
        export TOPO_RESOLV_CONF=/run/host-resolv.conf
        ip link set lo up
        # IPv6 off in the sandbox only: duplicate-address detection would change addresses behind our back.
        sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
        ip netns add outside
        ip link add uplink0 type veth peer name outside0 netns outside
        ip addr add 10.99.0.2/24 dev uplink0 && ip link set uplink0 up
        ip -n outside addr add 10.99.0.1/24 dev outside0 && ip -n outside link set outside0 up && ip -n outside link set lo up
        # Wait until the kernel has nothing more to say (carrier changes arrive up to a second late).
        settle() { for _ in 1 2 3 4 5; do timeout 1 ip monitor link address route | grep -q . || return 0; done; }
        step() { local name=$1; shift; echo "@@@begin $name"; "$@" 2>&1; echo "@@@end $name $?"; }
        # As an ordinary user (nobody). The checkout may be where such a user cannot go (a clone
        # under /root, mode 700; files made under umask 077), so the binary's directory and the
        # files a step names go into /run/topo-user first, world-readable: /run is this sandbox's
        # own tmpfs, so the copy dies with it. user_file FILE prints the copy's path.
        user_share() {
          [ -d /run/topo-user/bin ] && return
          mkdir -p /run/topo-user && cp -r "$(dirname "$TOPO")" /run/topo-user/bin && chmod -R a+rX /run/topo-user
        }
        user_file() { user_share && cp "$1" /run/topo-user/ && chmod a+r "/run/topo-user/${1##*/}" && echo "/run/topo-user/${1##*/}"; }
        as_user() { user_share && setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
        user_topo() { as_user /run/topo-user/bin/topo "$@"; }
        """;

    public static void SkipUnlessRoot()
    {
        if (Environment.UserName != "root") Assert.Skip("needs root: creates network namespaces");
    }

    /// <param name="ownPids">
    /// Also a pid namespace with its own /proc (for dockerd, whose shims write their own
    /// oom_score_adj): every process the script starts dies with it.
    /// </param>
    /// <param name="silence">
    /// How long the script may print nothing before it is judged hung, killed, and the test fails
    /// (4 minutes unless given). Silence, not total time: on a busy machine a long script is slow
    /// but keeps printing; a long one prints a line of its own as it goes (the crash walk, per trial).
    /// </param>
    public static Dictionary<string, Step> Run(string script, bool ownPids = false, TimeSpan? silence = null)
    {
        var allowed = silence ?? TimeSpan.FromMinutes(4);
        SkipUnlessRoot();
        string[] unshare = ownPids
            ? ["--net", "--mount", "--pid", "--fork", "--mount-proc", "--propagation", "private"]
            : ["--net", "--mount", "--propagation", "private"];
        var psi = new ProcessStartInfo("unshare", [.. unshare, "--", "bash", "-c", Prelude + "\n" + script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["TOPO"] = Topo;
        psi.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var lastOutput = Stopwatch.GetTimestamp();
        var stdout = ReadAllAsync(process.StandardOutput, () => Volatile.Write(ref lastOutput, Stopwatch.GetTimestamp()));
        // A hung script fails its test instead of hanging the suite (CI has a time limit).
        var finished = process.WaitForExit(TimeSpan.FromSeconds(1));
        while (!finished && Stopwatch.GetElapsedTime(Volatile.Read(ref lastOutput)) < allowed) finished = process.WaitForExit(TimeSpan.FromSeconds(1));
        if (!finished) process.Kill(entireProcessTree: true);
        var hung = $"printed nothing for {allowed.TotalSeconds:0} s and was killed";
        // A process the script left behind may hold its output open: wait for it a bounded time.
        if (!Task.WaitAll([stdout, stderr], TimeSpan.FromSeconds(30)))
        {
            Assert.Fail($"the sandbox script {(finished ? "left a process holding its output open" : hung)}");
        }
        if (!finished) Assert.Fail($"the sandbox script {hung}:\n{stdout.Result}\n{stderr.Result}");
        return Parse(stdout.Result, stderr.Result);
    }

    /// <summary>The whole of <paramref name="reader"/>, calling <paramref name="arrived"/> whenever some comes.</summary>
    private static async Task<string> ReadAllAsync(StreamReader reader, Action arrived)
    {
        var text = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            text.Append(buffer, 0, read);
            arrived();
        }
        return text.ToString();
    }

    private static Dictionary<string, Step> Parse(string stdout, string stderr)
    {
        var steps = new Dictionary<string, Step>();
        string? current = null;
        var text = new StringBuilder();
        foreach (var line in stdout.Split('\n'))
        {
            if (line.StartsWith("@@@begin ", StringComparison.Ordinal)) { current = line[9..]; text.Clear(); }
            else if (line.StartsWith("@@@end ", StringComparison.Ordinal) && current is not null)
            {
                steps[current] = new Step(int.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture), text.ToString());
                current = null;
            }
            else if (current is not null) text.Append(line).Append('\n');
        }
        if (steps.Count == 0) Assert.Fail($"the sandbox script ran no step:\n{stdout}\n{stderr}");
        return steps;
    }

    /// <summary>Names from `ip netns list` output, without the test's own "outside" namespace.</summary>
    public static string[] Namespaces(this Step step) =>
        [.. step.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0])
            .Where(n => n != "outside").Order(StringComparer.Ordinal)];

    public static Step Ok(this Dictionary<string, Step> steps, string name)
    {
        Assert.True(steps.TryGetValue(name, out var step), $"step {name} did not run; ran: {string.Join(", ", steps.Keys)}");
        // A script that keeps a log (a watcher's) gives it with any failure: the step alone rarely says why.
        var log = name != "log" && steps.TryGetValue("log", out var l) ? $"\n--- log ---\n{l.Output}" : "";
        Assert.True(step.ExitCode == 0, $"step {name} exited {step.ExitCode}:\n{step.Output}{log}");
        return step;
    }
}
