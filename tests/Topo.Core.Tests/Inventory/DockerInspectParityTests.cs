using System.Text.Json;
using Topo.Core.Inventory;
using Topo.Core.Model;
using Topo.Core.Planning;
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
    /// topo must show too. (IPRange, AuxiliaryAddresses and Created come from the records apply
    /// keeps: <see cref="NetworkRecords"/>.)
    /// </summary>
    private static readonly Dictionary<string, string> Missing = new(StringComparer.Ordinal);

    /// <summary>When the test's apply made the bridges.</summary>
    private static readonly DateTimeOffset Applied = new(2026, 12, 6, 3, 8, 30, 670, TimeSpan.Zero);

    /// <summary>The file applied to an empty host, and inspect reading the host and the records that apply kept.</summary>
    private static (JsonElement Docker, JsonElement Topo) Pair(string network, bool withRecords = true)
    {
        var docker = JsonDocument.Parse(Fixture("docker-network-inspect.json")).RootElement.EnumerateArray()
            .Single(n => n.GetProperty("Name").GetString() == network);
        var loaded = SpecLoader.Parse(Fixture("docker-networks.yaml"), "docker-networks.yaml");
        Assert.False(loaded.HasErrors, string.Join("\n", loaded.Diagnostics));
        var plan = Pipeline.Plan(loaded.File!);
        var records = new[] { plan.Project, Label.SharedProject }
            .ToDictionary(o => o, o => NetworkRecords.After(o, [], HostState.Empty, plan.Desired,
                plan.Actions.Where(a => a.Kind == ActionKind.Create).Select(a => a.After!), [], loaded.File, Applied));
        var host = PlanSimulator.Apply(HostState.Empty, plan);
        var inventory = withRecords ? HostInventory.Of(host, o => records.GetValueOrDefault(o, [])) : HostInventory.Of(host);
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
        // Subnet, IPRange and AuxiliaryAddresses as Docker has them (the gateway Docker shows only when given).
        static string Ipam(JsonElement n, string field) =>
            n.GetProperty("IPAM").GetProperty("Config")[0].TryGetProperty(field, out var v) ? Compact(v) : "(none)";
        static string Compact(JsonElement v) => v.ValueKind == JsonValueKind.Object
            ? "{" + string.Join(",", v.EnumerateObject().Select(p => $"{p.Name}={p.Value.GetRawText()}")) + "}" : v.GetRawText();
        foreach (var field in new[] { "Subnet", "IPRange", "AuxiliaryAddresses" })
            Assert.True(Ipam(docker, field) == Ipam(topo, field), $"{network}: IPAM.Config[0].{field}: docker {Ipam(docker, field)}, topo {Ipam(topo, field)}");
        // Created: Docker's format (RFC 3339, nanoseconds with trailing zeros dropped), the time of the apply that made the bridge.
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$", docker.GetProperty("Created").GetString()!);
        Assert.Equal("2026-12-06T03:08:30.67Z", topo.GetProperty("Created").GetString());

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

    /// <summary>Without records (networks made before topo kept them, or the file gone), exactly those fields are left out.</summary>
    [Fact]
    public void Without_records_only_created_the_range_and_the_reservations_are_left_out()
    {
        var (docker, topo) = Pair("plain", withRecords: false);
        var have = Paths(topo);
        var missing = Paths(docker).Where(p => !have.Contains(p)).ToList();
        Assert.Equal(["Created", "IPAM.Config[].AuxiliaryAddresses", "IPAM.Config[].IPRange"], missing);
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
