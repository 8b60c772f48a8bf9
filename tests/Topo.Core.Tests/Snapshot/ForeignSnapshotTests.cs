using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Snapshot;
using Topo.Core.Tests.Support;
using static Topo.Core.Tests.Firewall.ForeignListing;

namespace Topo.Core.Tests.Snapshot;

/// <summary>
/// A snapshot carries the foreign tables the drop check reads and whether Docker's DOCKER-USER is
/// there, so <c>topo plan --state</c> (no host) says what a plan on the host says.
/// </summary>
public sealed class ForeignSnapshotTests
{
    private static HostState WithForeign() => HostState.Empty with
    {
        DockerUserChain = true,
        ForeignFirewall =
        [
            Table("inet", "hand", new Chain("pre", "prerouting", "drop", [Established, """[{"jump":{"target":"mine"}}]"""], Priority: -150),
                new Chain("mine", null, "", [Iif("eth0"), """[{"match":{"op":"==","left":{"payload":{"protocol":"ip","field":"saddr"}},"right":{"prefix":{"addr":"10.0.0.0","len":8}}}},{"drop":null}]"""])),
            Table("ip", "nat", new Chain("POSTROUTING", "postrouting", "accept", [Drop], Type: "nat", Priority: 100)),
        ],
    };

    [Fact]
    public void Foreign_tables_and_the_docker_user_chain_survive_a_round_trip()
    {
        var state = WithForeign();
        var json = StateJson.Write(state);
        var back = StateJson.Read(json);

        Assert.True(back.DockerUserChain);
        Assert.Equal(Describe(state), Describe(back));
        Assert.Equal(json, StateJson.Write(back));
        Assert.Contains("\"foreign_firewall\": [", json);
        Assert.Contains("\"expr\": [{\"match\":{\"left\":{\"ct\":{\"key\":\"state\"}}", json);
    }

    [Fact]
    public void A_plan_from_the_snapshot_reports_the_same_drops_as_one_from_the_host()
    {
        var spec = new SpecBuilder("shop").Network("front").Publishing("web", "front", "8080:80").Build();
        var onHost = PlanBuilder.Build(spec, WithForeign());
        var fromSnapshot = PlanBuilder.Build(spec, StateJson.Read(StateJson.Write(WithForeign())));

        Assert.Equal(2, onHost.Errors.Length);
        Assert.Equal(onHost.Errors.Select(e => e.Message), fromSnapshot.Errors.Select(e => e.Message));
        Assert.Contains(fromSnapshot.Errors, e => e.Message.StartsWith("table inet hand, chain pre (hook prerouting, priority -150, policy drop)", StringComparison.Ordinal));
    }

    [Fact]
    public void An_ingress_chains_devices_survive_a_round_trip()
    {
        var state = HostState.Empty with { ForeignFirewall = [Table("netdev", "edge", new Chain("c", "ingress", "drop", [], Devices: ["uplink0", "eth*"]))] };
        var json = StateJson.Write(state);
        var back = StateJson.Read(json);
        Assert.Equal(["uplink0", "eth*"], back.ForeignFirewall[0].Chains[0].Devices);
        Assert.Equal(json, StateJson.Write(back));
    }

    [Fact]
    public void A_snapshot_without_them_is_written_as_before()
    {
        var json = StateJson.Write(HostState.Empty);
        Assert.DoesNotContain("foreign_firewall", json);
        Assert.DoesNotContain("docker_user_chain", json);
    }

    [Theory]
    [InlineData("""{"family":"inet","name":"t","chains":[{"name":"c","hook":"input","rules":[]}]}""", "a base chain (with a hook) needs its type and policy")]
    [InlineData("""{"family":"inet","name":"t","chains":[{"name":"c","rules":[{"handle":1,"expr":"drop"}]}]}""", "expected an array of nftables statements, found a string")]
    [InlineData("""{"family":"inet","name":"t","chains":[{"name":"c","rules":[{"expr":[]}]}]}""", "missing required field \"handle\"")]
    public void Malformed_foreign_tables_are_rejected(string table, string problem)
    {
        var json = """{"format":"topo-state","version":1,"foreign_firewall":[""" + table + "]}";
        var e = Assert.Throws<StateFormatException>(() => StateJson.Read(json));
        Assert.Contains(problem, e.Message);
    }

    private static string Describe(HostState state) => string.Join("\n", state.ForeignFirewall.SelectMany(t => t.Chains.Select(c =>
        $"{t.Family} {t.Name} {c.Name} {c.Type} {c.Hook} {c.Priority} {c.Policy}: {string.Join(" | ", c.Rules.Select(r => $"{r.Handle} {r.Expression}"))}")));
}
