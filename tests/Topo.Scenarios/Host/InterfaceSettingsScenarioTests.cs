using Topo.Scenarios.Support;

namespace Topo.Scenarios.Host;

/// <summary>
/// Every per-interface kernel setting of topo's bridges and container interfaces is what Docker
/// 20.10 leaves on its own (fixtures/docker/docker-interface-settings.txt, recorded by
/// record-interface-settings.sh): where Docker changed a kernel default (router advertisements off
/// on bridges, IPv6 off in an IPv4-only container), topo has Docker's value; everywhere else topo
/// has the kernel's default, read from a bridge and a namespace the test makes by hand, so a kernel
/// with other defaults does not fail it.
/// </summary>
public sealed class InterfaceSettingsScenarioTests : IDisposable
{
    private readonly string _dir = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "settings", Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => TestDirectory.Delete(_dir);

    private static string Fixture(string name) => Repo.PathOf($"tests/Topo.Scenarios/fixtures/docker/{name}");

    /// <summary>Who is compared with which of the kernel's defaults.</summary>
    private static readonly (string Who, string Plain)[] Pairs = [("brdual", "plainbr"), ("brv4", "plainbr"), ("du", "plain"), ("v4", "plain")];

    [Fact]
    public void Bridges_and_container_interfaces_have_Dockers_settings()
    {
        var s = SandboxShell.Run($$"""
            W={{_dir}}
            mkdir -p $W/run && mount -t tmpfs topo-test $W/run
            export TOPO_RUN_DIR=$W/run
            sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0   # as a real host has it
            settings() { # settings WHO IF, as the recorder prints them
              for f in /proc/sys/net/ipv4/conf/$2/* /proc/sys/net/ipv6/conf/$2/*; do
                v=$(cat $f 2>/dev/null | tr "\n\t" "  " | sed "s/ *$//") || continue
                fam=${f#/proc/sys/net/}; echo "$1 ${fam%%/*} ${f##*/} $v"
              done
            }
            step apply $TOPO apply {{Fixture("interface-settings.yaml")}}
            ip link add plainbr type bridge && ip link set plainbr up
            ip netns add plain && ip link add plainport type veth peer name eth0 netns plain
            ip link set plainport up && ip -n plain link set eth0 up
            step settings bash -c '
              '"$(declare -f settings)"'
              settings brdual brdual; settings brv4 brv4; settings plainbr plainbr
              for ns in du v4 plain; do ip netns exec $ns bash -c "$(declare -f settings); settings $ns eth0"; done'
            step destroy $TOPO destroy {{Fixture("interface-settings.yaml")}}
            """);

        s.Ok("apply");
        var docker = Parse(File.ReadAllText(Fixture("docker-interface-settings.txt")));
        var live = Parse(s.Ok("settings").Output);
        var differences = new List<string>();
        foreach (var (who, plain) in Pairs)
        {
            Assert.NotEmpty(live[who]);
            foreach (var (key, value) in live[who])
            {
                // Docker's value where Docker changed the kernel's default, the kernel's default elsewhere.
                var changedByDocker = docker[who].TryGetValue(key, out var theirs) && docker[plain].TryGetValue(key, out var kernels) && theirs != kernels;
                var expected = changedByDocker ? theirs : live[plain].GetValueOrDefault(key);
                if (value != expected) differences.Add($"{who} {key}: topo {value}, expected {expected}{(changedByDocker ? " (Docker's)" : " (the kernel's default)")}");
            }
        }
        Assert.Empty(differences);
        // What the comparison rests on: Docker's own changes, as recorded.
        Assert.Equal("0", docker["brv4"]["ipv6 accept_ra"]);
        Assert.Equal("1", docker["v4"]["ipv6 disable_ipv6"]);
        s.Ok("destroy");
    }

    /// <summary>"WHO FAMILY KEY VALUE" lines → WHO → "FAMILY KEY" → VALUE.</summary>
    private static Dictionary<string, Dictionary<string, string>> Parse(string text)
    {
        var result = Pairs.SelectMany(p => new[] { p.Who, p.Plain }).Distinct().ToDictionary(w => w, _ => new Dictionary<string, string>());
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', 4);
            if (parts.Length < 3 || !result.TryGetValue(parts[0], out var of)) continue;
            of[$"{parts[1]} {parts[2]}"] = parts.Length == 4 ? parts[3] : "";
        }
        return result;
    }
}
