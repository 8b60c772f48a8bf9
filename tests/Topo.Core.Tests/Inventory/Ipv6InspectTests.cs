using System.Text.Json;
using Topo.Core.Inventory;
using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Spec;
using Topo.Core.Tests.Support;

namespace Topo.Core.Tests.Inventory;

/// <summary><c>topo inspect</c> of dual-stack networks, in the shape Docker 20.10 showed (docs: ipv6-research.md §1).</summary>
public sealed class Ipv6InspectTests
{
    private static JsonElement Inspect(string network)
    {
        var load = SpecLoader.Parse("""
            version: 1
            name: p
            networks:
              v6net:
                enable_ipv6: true
                subnet: [10.30.0.0/24, "fd00:1::/64"]
              v4only: {}
            containers:
              web: {networks: [v6net, v4only]}
            """, "t.yaml");
        Assert.False(load.HasErrors, string.Join("\n", load.Diagnostics));
        var host = Pipeline.Converge(load.File!);
        var json = DockerInspect.Render(HostInventory.Of(host).Networks.Where(n => n.Name == network));
        return JsonDocument.Parse(json).RootElement[0].Clone();
    }

    private static string Address(JsonElement network, string field) =>
        network.GetProperty("Containers").EnumerateObject().Single().Value.GetProperty(field).GetString()!;

    [Fact]
    public void A_dual_stack_network_shows_ipv6_enabled_its_ipv6_subnet_after_the_ipv4_one_and_each_containers_ipv6_address()
    {
        var n = Inspect("v6net");
        Assert.True(n.GetProperty("EnableIPv6").GetBoolean());
        var config = n.GetProperty("IPAM").GetProperty("Config");
        Assert.Equal(2, config.GetArrayLength());
        Assert.Equal("10.30.0.0/24", config[0].GetProperty("Subnet").GetString());
        Assert.Equal(("fd00:1::/64", "fd00:1::1"), (config[1].GetProperty("Subnet").GetString(), config[1].GetProperty("Gateway").GetString()));
        Assert.Equal(("10.30.0.2/24", "fd00:1::2/64"), (Address(n, "IPv4Address"), Address(n, "IPv6Address")));
    }

    [Fact]
    public void An_ipv4_only_network_shows_ipv6_off_one_config_entry_and_an_empty_ipv6_address()
    {
        var n = Inspect("v4only");
        Assert.False(n.GetProperty("EnableIPv6").GetBoolean());
        Assert.Equal(1, n.GetProperty("IPAM").GetProperty("Config").GetArrayLength());
        Assert.Equal("", Address(n, "IPv6Address"));
    }

    /// <summary>
    /// A macvlan network has no bridge to read a gateway from: the ones the file gives come from the
    /// records apply writes (as Docker shows a given gateway), in their family's entry; with no
    /// record, none is claimed.
    /// </summary>
    [Fact]
    public void A_macvlan_networks_given_gateways_come_from_the_record()
    {
        var load = SpecLoader.Parse("""
            version: 1
            name: p
            networks:
              lan: {driver: macvlan, parent: par0, enable_ipv6: true, subnet: [10.44.0.0/24, "fd00:44::/64"], gateway: [10.44.0.254, "fd00:44::fe"]}
            containers:
              web: {networks: [lan]}
            """, "t.yaml");
        Assert.False(load.HasErrors, string.Join("\n", load.Diagnostics));
        var parent = HostState.From([new LinkState(HostState.Host, "par0", LinkKind.Veth) { Up = true }]);
        var plan = Pipeline.Plan(load.File!, parent);
        var records = NetworkRecords.After(plan.Project, [], parent, plan.Desired, [], [], load.File, DateTimeOffset.UnixEpoch);
        var host = PlanSimulator.Apply(parent, plan);
        JsonElement Config(Func<string, IReadOnlyList<NetworkRecord>>? kept) =>
            JsonDocument.Parse(DockerInspect.Render(HostInventory.Of(host, kept).Networks)).RootElement[0].GetProperty("IPAM").GetProperty("Config").Clone();

        var config = Config(_ => NetworkRecordsJson.Read(NetworkRecordsJson.Write("p", records)));
        Assert.Equal(("10.44.0.254", "fd00:44::fe"), (config[0].GetProperty("Gateway").GetString(), config[1].GetProperty("Gateway").GetString()));
        var without = Config(null);
        Assert.False(without[0].TryGetProperty("Gateway", out _));
        Assert.False(without[1].TryGetProperty("Gateway", out _));
    }
}
