using System.Text.Json;
using Topo.Core.Model;
using Topo.Core.Snapshot;
using Topo.Core.Tests.Support;

namespace Topo.Core.Tests.Snapshot;

public sealed class StateJsonTests
{
    [Fact]
    public void Written_snapshot_matches_the_golden_file() =>
        Golden.Verify("snapshot/observed.json", StateJson.Write(Samples.Observed()));

    [Fact]
    public void Written_as_it_is_made_the_snapshot_is_the_same_text()
    {
        // Files big enough that the writer hands over mid-document, and a character of several UTF-8 bytes across hand-overs.
        var state = Samples.Observed();
        var big = string.Concat(Enumerable.Range(0, 3_000).Select(i => $"10.9.{i / 250}.{i % 250}\tc{i} c{i}.app é\n"));
        state = state with { Files = [.. state.Files, .. Enumerable.Range(0, 12).Select(i => new NamespaceFileState($"n{i}", NamespaceFileState.Hosts, big))] };
        var output = new StringWriter();

        StateJson.Write(state, output);

        Assert.True(output.ToString().Length > 1 << 20);
        Assert.Equal(StateJson.Write(state), output.ToString());
    }

    [Fact]
    public void Round_trip_keeps_every_resource()
    {
        var state = Samples.Observed();
        var back = StateJson.Read(StateJson.Write(state));

        Assert.Equal(Sorted(state), Sorted(back));
        Assert.Equal(state.HostResolvConf, back.HostResolvConf);
        Assert.Equal(StateJson.Write(state), StateJson.Write(back));
    }

    [Fact]
    public void Files_and_the_hosts_resolver_are_written_only_when_there_are_any()
    {
        using var doc = JsonDocument.Parse(StateJson.Write(Samples.Observed()));
        var file = doc.RootElement.GetProperty("files").EnumerateArray().Last();
        Assert.Equal(["namespace", "name", "label", "content"], file.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["192.168.10.1", "127.0.0.53"],
            doc.RootElement.GetProperty("resolv_conf").GetProperty("nameservers").EnumerateArray().Select(e => e.GetString()));

        var bare = StateJson.Write(Samples.Frontend());
        Assert.DoesNotContain("\"files\"", bare);
        Assert.DoesNotContain("\"resolv_conf\"", bare);
    }

    [Fact]
    public void A_foreign_file_reads_back_foreign()
    {
        var back = StateJson.Read(StateJson.Write(Samples.Observed()));
        Assert.Null(back.Files.Single(f => f.Key == "db/resolv.conf").Owner);
        Assert.Equal(Samples.ResolvConfFile("wordpress"), back.Files.Single(f => f.Key == "wordpress/resolv.conf"));
    }

    [Fact]
    public void Output_is_deterministic_whatever_the_input_order()
    {
        var state = Samples.Observed();
        var shuffled = HostState.From(state.All().Reverse()) with { HostResolvConf = state.HostResolvConf };

        Assert.Equal(StateJson.Write(state), StateJson.Write(shuffled));
        Assert.DoesNotContain("\r", StateJson.Write(state));
        Assert.EndsWith("}\n", StateJson.Write(state));
    }

    [Fact]
    public void Host_namespace_is_written_by_leaving_namespace_out()
    {
        using var doc = JsonDocument.Parse(StateJson.Write(Samples.Frontend()));
        var links = doc.RootElement.GetProperty("links").EnumerateArray().ToList();
        var bridge = links.Single(l => l.GetProperty("name").GetString() == "br-1a2b3c4d5e6f");
        var eth0 = links.First(l => l.GetProperty("name").GetString() == "eth0");

        Assert.False(bridge.TryGetProperty("namespace", out _));
        Assert.Equal("db", eth0.GetProperty("namespace").GetString());
        Assert.Equal("topo:wordpress:network:frontend", bridge.GetProperty("label").GetString());
    }

    [Fact]
    public void Foreign_objects_have_no_label()
    {
        var state = StateJson.Read(StateJson.Write(Samples.Observed()));
        Assert.Null(state.FindLink(new LinkRef(HostState.Host, "enp1s0"))!.Owner);
    }

    [Fact]
    public void Empty_example_reads_as_the_empty_state()
    {
        var path = Path.Combine(Golden.Directory, "..", "..", "..", "examples", "states", "empty.json");
        var state = StateJson.Read(File.ReadAllBytes(path));

        Assert.Empty(state.All());
        Assert.Equal(File.ReadAllText(path), StateJson.Write(HostState.Empty));
    }

    [Fact]
    public void Missing_arrays_mean_empty() =>
        Assert.Empty(StateJson.Read("""{"format":"topo-state","version":1}""").All());

    [Fact]
    public void Byte_order_mark_is_accepted() =>
        Assert.Empty(StateJson.Read([0xEF, 0xBB, 0xBF, .. """{"format":"topo-state","version":1}"""u8]).All());

    [Theory]
    [InlineData("""{"format":"topo-state","version":2,"future":[]}""", "unsupported snapshot version 2", "$.version", 1)]
    [InlineData("""{"format":"topo-plan","version":1}""", "format is \"topo-plan\"", "$.format", 1)]
    [InlineData("""{"version":1}""", "missing \"format\"", "$", 1)]
    [InlineData("""{"format":"topo-state"}""", "missing \"version\"", "$.version", 1)]
    [InlineData("""{"format":"topo-state","version":"1"}""", "expected an integer, found a string", "$.version", 1)]
    [InlineData("{\"format\":\"topo-state\",\"version\":1,\n\"links\":[\n{\"name\":\"br0\",\"type\":\"bridge\",\"mtu\":\"9000\"}]}", "expected an integer", "$.links[0].mtu", 3)]
    [InlineData("{\"format\":\"topo-state\",\"version\":1,\n\"links\":[{\"name\":\"br0\",\n\"typ\":\"bridge\"}]}", "unknown field \"typ\"", "$.links[0].typ", 3)]
    [InlineData("{\"format\":\"topo-state\",\"version\":1,\n\"links\":[{\"name\":\"br0\"}]}", "missing required field \"type\"", "$.links[0]", 2)]
    [InlineData("{\"format\":\"topo-state\",\"version\":1,\n\"links\":[{\"name\":\"br0\",\"type\":\"tun\"}]}", "\"tun\" is not one of bridge, veth", "$.links[0].type", 2)]
    [InlineData("{\"format\":\"topo-state\",\"version\":1,\n\"addresses\":[{\"link\":\"br0\",\"address\":\"10.0.0.1\"}]}", "not an IP prefix", "$.addresses[0].address", 2)]
    [InlineData("{\"format\":\"topo-state\",\"version\":1,\n\"namespaces\":[{\"name\":\"web\",\"label\":\"docker:web\"}]}", "not a topo label", "$.namespaces[0].label", 2)]
    [InlineData("{\"format\":\"topo-state\",\"version\":1,\n\"sysctls\":[{\"namespace\":\"\",\"name\":\"a\",\"value\":\"1\"}]}", "leaving out \"namespace\"", "$.sysctls[0].namespace", 2)]
    [InlineData("{\"format\":\"topo-state\",\"version\":1,\"links\":[],\n\"links\":[]}", "\"links\" appears twice", "$.links", 2)]
    [InlineData("{\"format\":\"topo-state\",\"version\":1,\"namespaces\":[{\"name\":\"a\"},\n{\"name\":\"a\"}]}", "duplicate namespace \"a\" (also at index 0)", "$.namespaces[1]", 2)]
    [InlineData("{\"format\":\"topo-state\",\"version\":1,\n\"files\":[{\"namespace\":\"web\",\"name\":\"../passwd\",\"content\":\"\"}]}", "is not a file name", "$.files[0].name", 2)]
    [InlineData("{\"format\":\"topo-state\",\"version\":1,\n\"files\":[{\"namespace\":\"web\",\"name\":\"hosts\"}]}", "missing required field \"content\"", "$.files[0]", 2)]
    [InlineData("{\"format\":\"topo-state\",\"version\":1,\n\"resolv_conf\":{\"nameservers\":\"1.1.1.1\"}}", "expected an array of strings", "$.resolv_conf.nameservers", 2)]
    public void Invalid_snapshots_are_rejected_with_path_and_line(string json, string problem, string path, long line)
    {
        var e = Assert.Throws<StateFormatException>(() => StateJson.Read(json));

        Assert.Contains(problem, e.Problem);
        Assert.Equal(path, e.Path);
        Assert.Equal(line, e.Line);
        Assert.StartsWith($"line {line}, column ", e.Message);
    }

    [Fact]
    public void Malformed_json_reports_the_parser_position()
    {
        var e = Assert.Throws<StateFormatException>(() =>
            StateJson.Read("{\"format\":\"topo-state\",\"version\":1,\n\"links\":[\n  {\"name\": }]}"));

        Assert.Equal(3, e.Line);
        Assert.IsAssignableFrom<JsonException>(e.InnerException);
    }

    private static List<string> Sorted(HostState state) =>
        state.All().Select(r => r.ToString()).Order(StringComparer.Ordinal).ToList();
}
