using Topo.Core.Firewall;
using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Spec;
using Topo.Core.Tests.Support;

namespace Topo.Core.Tests.Firewall;

/// <summary>
/// Another table's base chain on the forward hook that would drop topo's traffic is an error
/// (<see cref="ForeignDrops"/>): plan and apply must not say "No changes" while it is dropped.
/// Tables are written as libnftables lists them (nft -j list table).
/// </summary>
public sealed class ForeignDropsTests
{
    private static TopologyFile Spec() => new SpecBuilder("shop").Network("front").Network("back", @internal: true)
        .Publishing("web", "front", "8080:80").Build();

    private static string Front => Pipeline.Resolve(Spec()).FindNetwork("front")!.BridgeName!;

    private static ForeignTable Table(string family, string name, params (string Chain, string? Hook, string Policy, string[] Rules)[] chains) =>
        ForeignListing.Table(family, name, [.. chains.Select(c => new ForeignListing.Chain(c.Chain, c.Hook, c.Policy, c.Rules))]);

    private const string Established = """[{"match":{"op":"in","left":{"ct":{"key":"state"}},"right":["established","related"]}},{"accept":null}]""";
    private const string DnatAccept = """[{"match":{"op":"in","left":{"ct":{"key":"status"}},"right":"dnat"}},{"accept":null}]""";
    private const string Reject = """[{"reject":{"type":"icmpx","expr":"admin-prohibited"}}]""";
    private static string Iif(string name) => $$$"""[{"match":{"op":"==","left":{"meta":{"key":"iifname"}},"right":"{{{name}}}"}},{"counter":{"packets":0,"bytes":0}},{"accept":null}]""";
    private static string Oif(string name) => $$$"""[{"match":{"op":"==","left":{"meta":{"key":"oifname"}},"right":"{{{name}}}"}},{"accept":null}]""";

    private static PlanOutcome Plan(params ForeignTable[] tables) =>
        PlanBuilder.Build(Spec(), HostState.Empty with { ForeignFirewall = [.. tables] });

    [Fact]
    public void A_forward_chain_with_policy_drop_and_no_rules_fails_the_plan_naming_it_with_an_nft_fix()
    {
        var outcome = Plan(Table("inet", "hand", ("forward", "forward", "drop", [])));
        Assert.Null(outcome.Plan);
        var error = Assert.Single(outcome.Errors);
        Assert.Equal(Severity.Error, error.Severity);
        Assert.Contains("table inet hand, chain forward (hook forward, priority 0, policy drop) drops topo's traffic by its policy drop", error.Message);
        Assert.Contains($"connections from containers on {Front} out; replies to them on {Front}; connections to published ports on {Front}", error.Message);
        Assert.DoesNotContain("topo0", error.Message);   // no container on the default bridge
        Assert.EndsWith($"Fix (nft): nft 'insert rule inet hand forward iifname {{ \"{Front}\" }} accept; insert rule inet hand forward oifname {{ \"{Front}\" }} accept'", error.Message);
    }

    [Fact]
    public void The_accepts_the_fix_suggests_make_the_plan_succeed()
    {
        var outcome = Plan(Table("inet", "hand", ("forward", "forward", "drop", [Iif(Front), Oif(Front)])));
        Assert.True(outcome.Succeeded, string.Join("\n", outcome.Errors));
    }

    [Fact]
    public void Established_alone_lets_replies_through_but_not_new_connections()
    {
        var error = Assert.Single(Plan(Table("ip", "mine", ("fwd", "forward", "drop", [Established]))).Errors);
        Assert.Contains($"connections from containers on {Front} out; connections to published ports on {Front}.", error.Message);
        Assert.DoesNotContain("replies", error.Message);
    }

    [Fact]
    public void A_reject_rule_that_matches_everything_is_named_with_its_handle_and_firewalld_gets_its_own_fix()
    {
        // firewalld's filter_FORWARD: replies and DNAT accepted, everything else rejected at the end.
        var outcome = Plan(Table("inet", "firewalld", ("filter_FORWARD", "forward", "accept", [Established, DnatAccept, Reject])));
        var error = Assert.Single(outcome.Errors);
        Assert.Contains("by rule \"reject with icmpx admin-prohibited\" (chain filter_FORWARD, handle 5)", error.Message);
        Assert.Contains($"connections from containers on {Front} out.", error.Message);
        Assert.EndsWith($"Fix (firewalld): firewall-cmd --permanent --zone=trusted --add-interface={Front} && firewall-cmd --reload", error.Message);
    }

    [Fact]
    public void Accepts_in_a_chain_jumped_to_count_and_ufw_is_recognised_by_its_chains()
    {
        var jump = """[{"counter":{"packets":0,"bytes":0}},{"jump":{"target":"ufw-user-forward"}}]""";
        var open = Plan(Table("ip", "filter", ("FORWARD", "forward", "drop", [jump]), ("ufw-user-forward", null, "", [Iif(Front), Oif(Front)])));
        Assert.True(open.Succeeded, string.Join("\n", open.Errors));

        var closed = Assert.Single(Plan(Table("ip", "filter", ("FORWARD", "forward", "drop", [jump]), ("ufw-user-forward", null, "", []))).Errors);
        Assert.EndsWith($"Fix (ufw): ufw route allow in on {Front} && ufw route allow out on {Front}", closed.Message);
    }

    [Fact]
    public void A_rule_it_cannot_read_that_might_accept_keeps_it_silent_but_one_that_cannot_match_tcp_does_not()
    {
        // ip saddr is not modelled: the rule might accept, so nothing is claimed.
        var saddr = """[{"match":{"op":"==","left":{"payload":{"protocol":"ip","field":"saddr"}},"right":{"prefix":{"addr":"10.0.0.0","len":8}}}},{"accept":null}]""";
        Assert.True(Plan(Table("inet", "hand", ("forward", "forward", "drop", [saddr]))).Succeeded);
        // An xt match (iptables-nft, listed by name only) is not read either.
        var xt = """[{"xt":{"type":"match","name":"conntrack"}},{"counter":{"packets":0,"bytes":0}},{"accept":null}]""";
        Assert.True(Plan(Table("ip", "filter", ("FORWARD", "forward", "drop", [xt]))).Succeeded);
        // An ICMP accept cannot accept a TCP connection.
        var icmp = """[{"match":{"op":"==","left":{"meta":{"key":"l4proto"}},"right":"icmp"}},{"accept":null}]""";
        Assert.Single(Plan(Table("inet", "hand", ("forward", "forward", "drop", [icmp]))).Errors);
    }

    [Fact]
    public void Drops_of_other_traffic_are_not_topos_business()
    {
        var udp = """[{"match":{"op":"==","left":{"payload":{"protocol":"udp","field":"dport"}},"right":53}},{"drop":null}]""";
        var otherBridge = """[{"match":{"op":"==","left":{"meta":{"key":"iifname"}},"right":"eth0"}},{"drop":null}]""";
        Assert.True(Plan(Table("inet", "hand", ("forward", "forward", "accept", [udp, otherBridge]))).Succeeded);
        // A host firewall's usual input chain: topo's traffic reaches the host only as replies.
        Assert.True(Plan(Table("inet", "hand", ("input", "input", "drop", [Established]))).Succeeded);
        // Family ip6 sees no IPv4 packet, whatever it drops.
        Assert.True(Plan(Table("ip6", "hand", ("forward", "forward", "drop", []), ("pre", "prerouting", "drop", []), ("in", "input", "drop", []))).Succeeded);
        // An unconditional drop is.
        var error = Assert.Single(Plan(Table("inet", "hand", ("forward", "forward", "accept", ["""[{"counter":null},{"drop":null}]"""]))).Errors);
        Assert.Contains("by rule \"counter drop\" (chain forward, handle 3)", error.Message);
    }

    [Fact]
    public void A_project_without_forwarded_traffic_has_nothing_to_lose()
    {
        var spec = new SpecBuilder("quiet").Network("back", @internal: true).Container("db", "back").Build();
        var outcome = PlanBuilder.Build(spec, HostState.Empty with { ForeignFirewall = [Table("inet", "hand", ("forward", "forward", "drop", []))] });
        Assert.True(outcome.Succeeded, string.Join("\n", outcome.Errors));
    }
}
