using System.Text.Json;
using Topo.Core.Inventory;
using Topo.Core.Spec;
using Topo.Core.Tests.Spec;
using Topo.Core.Tests.Support;

namespace Topo.Core.Tests.Inventory;

/// <summary>
/// `topo inspect` against `docker network inspect` of the same networks: fixtures/docker-network-inspect.json
/// was recorded from Docker 20.10 by fixtures/record-docker-inspect.sh; fixtures/docker-networks.yaml
/// is the same networks and containers as a topo file; fixtures/docker-bridge-gateways.txt is the
/// address Docker put on each network's bridge (its gateway), recorded by the same script.
/// </summary>
public sealed class DockerInspectParityTests
{
    private static string Fixture(string name) =>
        File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "Topo.Core.Tests", "Inventory", "fixtures", name));

    /// <summary>
    /// Fields Docker shows that topo does not, each with its reason. Everything else Docker shows,
    /// topo must show too.
    /// </summary>
    private static readonly Dictionary<string, string> Missing = new(StringComparer.Ordinal)
    {
        ["Created"] = "the kernel keeps no creation time of a bridge",
        ["IPAM.Config[].IPRange"] = "not on the host: topo inspect reads labels and the firewall only, and the kernel has no place for a range",
        ["IPAM.Config[].AuxiliaryAddresses"] = "not on the host either (reservations the kernel never sees)",
    };

    private static (JsonElement Docker, JsonElement Topo) Pair(string network)
    {
        var docker = JsonDocument.Parse(Fixture("docker-network-inspect.json")).RootElement.EnumerateArray()
            .Single(n => n.GetProperty("Name").GetString() == network);
        var loaded = SpecLoader.Parse(Fixture("docker-networks.yaml"), "docker-networks.yaml");
        Assert.False(loaded.HasErrors, string.Join("\n", loaded.Diagnostics));
        var inventory = HostInventory.Of(Pipeline.Converge(loaded.File!));
        var topo = JsonDocument.Parse(DockerInspect.Render(inventory.Networks.Where(n => n.Name == network))).RootElement[0];
        return (docker, topo);
    }

    /// <summary>The paths of an inspect document: object keys joined by '.', arrays as [], container ids left out.</summary>
    private static SortedSet<string> Paths(JsonElement e, string prefix = "")
    {
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    // Containers, Options and Labels are keyed by values (ids, option names, label names).
                    var path = prefix.Length == 0 ? p.Name : $"{prefix}.{p.Name}";
                    if (prefix is "Containers") path = "Containers.*";
                    paths.Add(path);
                    if (path is not ("Options" or "Labels" or "IPAM.Config[].AuxiliaryAddresses")) paths.UnionWith(Paths(p.Value, path));
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in e.EnumerateArray()) paths.UnionWith(Paths(item, prefix + "[]"));
                break;
        }
        return paths;
    }

    [Theory]
    [InlineData("bridge")]
    [InlineData("plain")]
    [InlineData("inner")]
    [InlineData("quiet")]
    [InlineData("ranged")]
    public void Every_field_docker_shows_is_there(string network)
    {
        var (docker, topo) = Pair(network);
        var have = Paths(topo);
        var missing = Paths(docker).Where(p => !have.Contains(p) && !Missing.ContainsKey(p)).ToList();
        Assert.True(missing.Count == 0, $"topo inspect {network} lacks: {string.Join(", ", missing)}");
    }

    [Theory]
    [InlineData("bridge")]
    [InlineData("plain")]
    [InlineData("inner")]
    [InlineData("quiet")]
    [InlineData("ranged")]
    public void Values_are_dockers(string network)
    {
        var (docker, topo) = Pair(network);
        foreach (var field in new[] { "Name", "Scope", "Driver", "EnableIPv6", "Internal", "Attachable", "Ingress", "ConfigOnly" })
            Assert.True(docker.GetProperty(field).GetRawText() == topo.GetProperty(field).GetRawText(), $"{network}: {field}");
        Assert.Equal(docker.GetProperty("IPAM").GetProperty("Driver").GetString(), topo.GetProperty("IPAM").GetProperty("Driver").GetString());
        Assert.Equal(docker.GetProperty("IPAM").GetProperty("Config")[0].GetProperty("Subnet").GetString(),
            topo.GetProperty("IPAM").GetProperty("Config")[0].GetProperty("Subnet").GetString());

        // Options: Docker's, but the bridge's name (docker0 is topo0; topo names every bridge).
        static Dictionary<string, string> Options(JsonElement n) => n.GetProperty("Options").EnumerateObject()
            .Where(p => p.Name != "com.docker.network.bridge.name").ToDictionary(p => p.Name, p => p.Value.GetString()!);
        Assert.Equal(Options(docker), Options(topo));

        // Containers by name: MAC and address as Docker gives them.
        static Dictionary<string, string> Containers(JsonElement n) => n.GetProperty("Containers").EnumerateObject()
            .ToDictionary(p => p.Value.GetProperty("Name").GetString()!,
                p => $"{p.Value.GetProperty("MacAddress").GetString()} {p.Value.GetProperty("IPv4Address").GetString()} [{p.Value.GetProperty("IPv6Address").GetString()}]");
        // With an ip_range Docker's gateway is the range's first address (plain: .128, so web is .129);
        // an aux address in the range is skipped (ranged: .2, so edge is .3).
        Assert.Equal(Containers(docker), Containers(topo));
    }

    [Theory]
    [InlineData("bridge")]
    [InlineData("plain")]
    [InlineData("inner")]
    [InlineData("quiet")]
    [InlineData("ranged")]
    public void The_gateway_on_the_bridge_is_dockers(string network)
    {
        var docker = Fixture("docker-bridge-gateways.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ')).ToDictionary(f => f[0], f => f[1]);
        var loaded = SpecLoader.Parse(Fixture("docker-networks.yaml"), "docker-networks.yaml");
        var resolved = Pipeline.Resolve(loaded.File!).FindNetwork(network)!;
        Assert.Equal(docker[network], $"{resolved.Gateway}/{resolved.Subnet.Length}");
    }
}
