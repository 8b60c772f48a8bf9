using Topo.Core.Firewall;
using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Spec;
using Topo.Core.Tests.Support;
using static Topo.Core.Tests.Firewall.ForeignListing;

namespace Topo.Core.Tests.Firewall;

/// <summary>
/// A drop on the other hooks topo's traffic passes — prerouting (before or after topo's DNAT, in a
/// filter or a nat chain), input (replies to the host's own connections to published ports), output,
/// postrouting, and the bridge family's hooks — fails the plan as a forward drop does, naming the
/// chain with a fix that accepts exactly what it drops.
/// </summary>
public sealed class ForeignHooksTests
{
    private static TopologyFile Spec() => new SpecBuilder("shop").Network("front").Network("back", @internal: true)
        .Publishing("web", "front", "8080:80").Build();

    private static string Front => Pipeline.Resolve(Spec()).FindNetwork("front")!.BridgeName!;

    private static PlanOutcome Plan(params ForeignTable[] tables) =>
        PlanBuilder.Build(Spec(), HostState.Empty with { ForeignFirewall = [.. tables] });

    private static string DropFrom(string name) => $$$"""[{"match":{"op":"==","left":{"meta":{"key":"iifname"}},"right":"{{{name}}}"}},{"drop":null}]""";

    private static string Error(params ForeignTable[] tables) => Assert.Single(Plan(tables).Errors).Message;

    [Fact]
    public void A_prerouting_drop_after_dnat_names_every_class_and_its_fix_accepts_them_by_bridge_state_and_dnat()
    {
        var error = Error(Table("inet", "hand", new Chain("pre", "prerouting", "drop", [])));
        Assert.Contains("table inet hand, chain pre (hook prerouting, priority 0, policy drop) drops topo's traffic by its policy drop", error);
        Assert.Contains($"connections from containers on {Front} out; replies to them on {Front}; connections to published ports on {Front}; " +
            $"replies from published ports on {Front}; replies to the host from published ports on {Front}.", error);
        Assert.EndsWith($"Fix (nft): nft 'insert rule inet hand pre ct state established,related accept; insert rule inet hand pre ct status dnat accept; " +
            $"insert rule inet hand pre iifname {{ \"{Front}\" }} accept'", error);

        var dnat = """[{"match":{"op":"in","left":{"ct":{"key":"status"}},"right":"dnat"}},{"accept":null}]""";
        Assert.True(Plan(Table("inet", "hand", new Chain("pre", "prerouting", "drop", [Established, dnat, Iif(Front)]))).Succeeded);
    }

    [Fact]
    public void Before_topos_dnat_a_connection_to_a_published_port_is_still_addressed_to_the_hosts_port()
    {
        var error = Error(Table("ip", "raw", new Chain("pre", "prerouting", "drop", [Established, Iif(Front)], Priority: -300)));
        Assert.Contains($"priority -300, policy drop) drops topo's traffic by its policy drop (no rule accepts it): connections to published ports on {Front}.", error);
        Assert.EndsWith("Fix (nft): nft 'insert rule ip raw pre tcp dport { 8080 } accept'", error);
        // ct status dnat is not set yet there: accepting by it would not help, and the walk knows.
        Assert.Single(Plan(Table("ip", "raw", new Chain("pre", "prerouting", "drop", [Established, Iif(Front), DnatAccept], Priority: -300))).Errors);
    }

    [Fact]
    public void A_nat_chain_sees_only_first_packets_and_none_that_topos_nat_bound_before_it()
    {
        // Before topo's DNAT (-100): new connections out and to published ports, not the replies.
        var early = Error(Table("ip", "mynat", new Chain("pre", "prerouting", "accept", [Drop], Type: "nat", Priority: -150)));
        Assert.Contains("(type nat, hook prerouting, priority -150, policy accept) drops topo's traffic by rule \"counter drop\" (chain pre, handle 3)", early);
        Assert.Contains($": connections from containers on {Front} out; connections to published ports on {Front}.", early);
        // After it: topo's DNAT bound the published port's connection; later nat chains are not asked.
        var late = Error(Table("ip", "mynat", new Chain("pre", "prerouting", "accept", [Drop], Type: "nat", Priority: -50)));
        Assert.Contains($": connections from containers on {Front} out.", late);
        // The same priority as topo's: which runs first is not defined, so nothing is claimed about the published port.
        Assert.DoesNotContain("published", Error(Table("ip", "mynat", new Chain("pre", "prerouting", "accept", [Drop], Type: "nat", Priority: -100))));
        // postrouting: topo masquerades at srcnat (100); a nat chain after it never sees the containers' connections out.
        Assert.True(Plan(Table("ip", "mynat", new Chain("post", "postrouting", "accept", [DropFrom(Front)], Type: "nat", Priority: 200))).Succeeded,
            "topo's masquerade binds first");
    }

    [Fact]
    public void An_input_drop_of_replies_to_the_host_is_named_and_ufw_gets_its_allow()
    {
        var error = Error(Table("inet", "hand", new Chain("in", "input", "drop", [])));
        Assert.Contains($"(hook input, priority 0, policy drop) drops topo's traffic by its policy drop (no rule accepts it): replies to the host from published ports on {Front}.", error);
        Assert.EndsWith($"Fix (nft): nft 'insert rule inet hand in iifname {{ \"{Front}\" }} accept'", error);

        var jump = """[{"jump":{"target":"ufw-user-input"}}]""";
        var ufw = Error(Table("ip", "filter", new Chain("INPUT", "input", "drop", [jump]), new Chain("ufw-user-input", null, "", [])));
        Assert.EndsWith($"Fix (ufw): ufw allow in on {Front}", ufw);
    }

    [Fact]
    public void Output_and_postrouting_drops_are_named_with_accepts_by_dnat_and_by_bridge()
    {
        var output = Error(Table("inet", "hand", new Chain("out", "output", "drop", [])));
        Assert.Contains($"(hook output, priority 0, policy drop) drops topo's traffic by its policy drop (no rule accepts it): connections from the host to published ports on {Front}.", output);
        Assert.EndsWith("Fix (nft): nft 'insert rule inet hand out ct status dnat accept'", output);

        var post = Error(Table("inet", "hand", new Chain("post", "postrouting", "drop", [])));
        Assert.Contains($"connections from containers on {Front} out; replies to them on {Front}; connections to published ports on {Front}; " +
            $"replies from published ports on {Front}; connections from the host to published ports on {Front}.", post);
        Assert.EndsWith($"Fix (nft): nft 'insert rule inet hand post iifname {{ \"{Front}\" }} accept; insert rule inet hand post oifname {{ \"{Front}\" }} accept'", post);
        Assert.True(Plan(Table("inet", "hand", new Chain("post", "postrouting", "drop", [Iif(Front), Oif(Front)]))).Succeeded);
    }

    [Fact]
    public void The_bridge_family_sees_every_frame_of_the_bridge_and_is_matched_by_bridge_name()
    {
        var input = Error(Table("bridge", "l2", new Chain("in", "input", "drop", [])));
        Assert.Contains($"table bridge l2, chain in (hook input, priority 0, policy drop) drops topo's traffic by its policy drop (no rule accepts it): connections from containers on {Front} out; " +
            $"replies from published ports on {Front}; replies to the host from published ports on {Front}.", input);
        Assert.EndsWith($"Fix (nft): nft 'insert rule bridge l2 in meta ibrname {{ \"{Front}\" }} accept'", input);
        var ibr = $$$"""[{"match":{"op":"==","left":{"meta":{"key":"ibrname"}},"right":"{{{Front}}}"}},{"accept":null}]""";
        Assert.True(Plan(Table("bridge", "l2", new Chain("in", "input", "drop", [ibr]))).Succeeded);

        var output = Error(Table("bridge", "l2", new Chain("out", "output", "drop", [])));
        Assert.EndsWith($"Fix (nft): nft 'insert rule bridge l2 out meta obrname {{ \"{Front}\" }} accept'", output);
        // Conntrack is not assumed in the bridge family: an established accept there might accept anything.
        Assert.True(Plan(Table("bridge", "l2", new Chain("in", "input", "drop", [Established]))).Succeeded);
        // A port's name is not known (only that it is no topo bridge): an accept by port name might accept.
        Assert.True(Plan(Table("bridge", "l2", new Chain("in", "input", "drop", [Iif("veth1234")]))).Succeeded);
    }

    [Fact]
    public void Dockers_forward_is_left_to_topos_accepts_in_docker_user_but_its_other_hooks_are_read()
    {
        var filter = Table("ip", "filter", new Chain("FORWARD", "forward", "drop", ["""[{"jump":{"target":"DOCKER-USER"}}]"""]),
            new Chain("DOCKER-USER", null, "", ["""[{"return":null}]"""]), new Chain("INPUT", "input", "accept", [Drop]));
        var outcome = PlanBuilder.Build(Spec(), HostState.Empty with { ForeignFirewall = [filter], DockerUserChain = true });
        var error = Assert.Single(outcome.Errors).Message;
        Assert.Contains("table ip filter, chain INPUT (hook input", error);
    }
}
