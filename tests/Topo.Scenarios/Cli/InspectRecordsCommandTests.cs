using System.Text.Json;
using Topo.Core.Model;
using Topo.Scenarios.Support;

namespace Topo.Scenarios.Cli;

/// <summary>
/// What the kernel cannot keep — a network's ip_range, its aux addresses, when its bridge was made —
/// apply records, inspect shows, and destroy removes (the real command tree against a host in memory).
/// </summary>
public sealed class InspectRecordsCommandTests
{
    private static string Spec(string range) => TempSpec.Write($$"""
        version: 1
        name: rec
        networks:
          ranged: {subnet: 10.33.0.0/24, ip_range: {{range}}, aux_addresses: {gw2: 10.33.0.2} }
        containers:
          edge: {networks: [ranged]}
        """);

    private static JsonElement Inspect(MemoryHost host)
    {
        var result = CliRunner.RunAgainst(host, "inspect", "ranged");
        Assert.True(result.ExitCode == 0, result.Error);
        return JsonDocument.Parse(result.Out).RootElement[0];
    }

    private static void Apply(MemoryHost host, string file)
    {
        var result = CliRunner.RunAgainst(host, "apply", file);
        Assert.True(result.ExitCode == 0, result.Out + result.Error);
    }

    [Fact]
    public void Apply_records_the_range_the_reservations_and_when_the_bridge_was_made_and_destroy_removes_them()
    {
        var host = new MemoryHost(HostState.Empty);
        var file = Spec("10.33.0.0/25");
        Apply(host, file);
        var first = Inspect(host);
        var config = first.GetProperty("IPAM").GetProperty("Config")[0];
        Assert.Equal("10.33.0.0/25", config.GetProperty("IPRange").GetString());
        Assert.Equal("10.33.0.2", config.GetProperty("AuxiliaryAddresses").GetProperty("gw2").GetString());
        var created = first.GetProperty("Created").GetString()!;
        Assert.True(DateTimeOffset.UtcNow - DateTimeOffset.Parse(created, System.Globalization.CultureInfo.InvariantCulture) < TimeSpan.FromMinutes(5), created);

        // Applied again (nothing to do), and with another range (nothing on the kernel changes either):
        // the range follows the file, Created stays the time the bridge was made.
        Apply(host, file);
        Apply(host, Spec("10.33.0.0/26"));
        var again = Inspect(host);
        Assert.Equal("10.33.0.0/26", again.GetProperty("IPAM").GetProperty("Config")[0].GetProperty("IPRange").GetString());
        Assert.Equal(created, again.GetProperty("Created").GetString());

        Assert.Equal(0, CliRunner.RunAgainst(host, "destroy", file).ExitCode);
        Assert.Empty(host.ReadRecords("rec"));
    }

    [Fact]
    public void A_network_topo_did_not_make_in_this_round_gets_no_invented_creation_time()
    {
        // The host already has the network (made before topo kept records): range and reservations are
        // recorded from the file, the creation time is not known and left out.
        var file = Spec("10.33.0.0/25");
        var made = new MemoryHost(HostState.Empty);
        Apply(made, file);
        var host = new MemoryHost(made.Observe("", []));
        Apply(host, file);
        var inspected = Inspect(host);
        Assert.False(inspected.TryGetProperty("Created", out _));
        Assert.Equal("10.33.0.0/25", inspected.GetProperty("IPAM").GetProperty("Config")[0].GetProperty("IPRange").GetString());
    }
}
