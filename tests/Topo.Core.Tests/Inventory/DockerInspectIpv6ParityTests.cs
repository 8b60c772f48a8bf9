using System.Text.Json;
using Topo.Core.Inventory;
using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Spec;
using Topo.Core.Tests.Spec;
using Topo.Core.Tests.Support;

namespace Topo.Core.Tests.Inventory;

/// <summary>
/// `topo inspect` of dual-stack networks against `docker network inspect` of the same:
/// fixtures/docker-network-inspect-ipv6.json was recorded from Docker 20.10 by
/// fixtures/record-docker-inspect-ipv6.sh; fixtures/docker-networks-ipv6.yaml is the same networks
/// as a topo file (a bridge with an aux address and an ip_range of each family, and macvlan
/// networks with IPv6, one with its IPv6 gateway given).
/// </summary>
public sealed class DockerInspectIpv6ParityTests
{
    private static string Fixture(string name) =>
        File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "Topo.Core.Tests", "Inventory", "fixtures", name));

    /// <summary>The macvlan parents the recording made (a veth pair).</summary>
    private static readonly HostState Parents = HostState.From([
        new LinkState(HostState.Host, "par0", LinkKind.Veth) { Up = true },
        new LinkState(HostState.Host, "par1", LinkKind.Veth) { Up = true },
    ]);

    private static (JsonElement Docker, JsonElement Topo) Pair(string network)
    {
        var docker = JsonDocument.Parse(Fixture("docker-network-inspect-ipv6.json")).RootElement.EnumerateArray()
            .Single(n => n.GetProperty("Name").GetString() == network);
        var loaded = SpecLoader.Parse(Fixture("docker-networks-ipv6.yaml"), "docker-networks-ipv6.yaml");
        Assert.False(loaded.HasErrors, string.Join("\n", loaded.Diagnostics));
        var plan = Pipeline.Plan(loaded.File!, Parents);
        var records = NetworkRecords.After(plan.Project, [], Parents, plan.Desired,
            plan.Actions.Where(a => a.Kind == ActionKind.Create).Select(a => a.After!), [], loaded.File, DateTimeOffset.UnixEpoch);
        var host = PlanSimulator.Apply(Parents, plan);
        // As inspect reads them: from the file apply wrote.
        var kept = NetworkRecordsJson.Read(NetworkRecordsJson.Write(plan.Project, records));
        var inventory = HostInventory.Of(host, o => o == plan.Project ? kept : []);
        var topo = JsonDocument.Parse(DockerInspect.Render(inventory.Networks.Where(n => n.Name == network))).RootElement[0];
        return (docker, topo);
    }

    /// <summary>An IPAM.Config entry's field, compacted; "(none)" when absent.</summary>
    private static string Ipam(JsonElement n, int entry, string field)
    {
        var config = n.GetProperty("IPAM").GetProperty("Config");
        if (entry >= config.GetArrayLength()) return "(no entry)";
        if (!config[entry].TryGetProperty(field, out var v)) return "(none)";
        return v.ValueKind == JsonValueKind.Object
            ? "{" + string.Join(",", v.EnumerateObject().Select(p => $"{p.Name}={p.Value.GetRawText()}")) + "}"
            : v.GetRawText();
    }

    [Theory]
    [InlineData("dual")]
    [InlineData("lan6")]
    [InlineData("lan6gw")]
    public void Each_family_has_its_own_subnet_range_and_aux_addresses_as_in_docker(string network)
    {
        var (docker, topo) = Pair(network);
        Assert.Equal(docker.GetProperty("EnableIPv6").GetRawText(), topo.GetProperty("EnableIPv6").GetRawText());
        Assert.Equal(docker.GetProperty("Driver").GetString(), topo.GetProperty("Driver").GetString());
        Assert.Equal(2, topo.GetProperty("IPAM").GetProperty("Config").GetArrayLength());
        for (var entry = 0; entry < 2; entry++)
            foreach (var field in new[] { "Subnet", "IPRange", "AuxiliaryAddresses" })
                Assert.True(Ipam(docker, entry, field) == Ipam(topo, entry, field),
                    $"{network}: IPAM.Config[{entry}].{field}: docker {Ipam(docker, entry, field)}, topo {Ipam(topo, entry, field)}");
    }

    /// <summary>
    /// A macvlan network's gateway is a router outside the host, known only from the file: Docker
    /// shows it when given (lan6gw: fd00:43::fe) and not when its IPAM reserved ::1 (lan6). A
    /// bridge's gateway is its address, which topo shows always (Docker only when given).
    /// </summary>
    [Theory]
    [InlineData("lan6")]
    [InlineData("lan6gw")]
    public void A_macvlan_networks_gateway_is_shown_as_docker_shows_it(string network)
    {
        var (docker, topo) = Pair(network);
        for (var entry = 0; entry < 2; entry++)
            Assert.True(Ipam(docker, entry, "Gateway") == Ipam(topo, entry, "Gateway"),
                $"{network}: IPAM.Config[{entry}].Gateway: docker {Ipam(docker, entry, "Gateway")}, topo {Ipam(topo, entry, "Gateway")}");
    }

    [Theory]
    [InlineData("dual")]
    [InlineData("lan6")]
    [InlineData("lan6gw")]
    public void Containers_have_dockers_addresses_of_both_families(string network)
    {
        var (docker, topo) = Pair(network);
        static Dictionary<string, string> Containers(JsonElement n) => n.GetProperty("Containers").EnumerateObject()
            .ToDictionary(p => p.Value.GetProperty("Name").GetString()!,
                p => $"{p.Value.GetProperty("MacAddress").GetString()} {p.Value.GetProperty("IPv4Address").GetString()} [{p.Value.GetProperty("IPv6Address").GetString()}]");
        // lan6: ::1 is the gateway Docker's IPAM keeps, so mv is ::2; lan6gw's gateway is ::fe, so mvg gets ::1.
        Assert.Equal(Containers(docker), Containers(topo));
    }
}
