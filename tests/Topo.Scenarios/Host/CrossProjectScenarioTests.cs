using Topo.Scenarios.Support;

namespace Topo.Scenarios.Host;

/// <summary>
/// Several projects on one sandbox host: what one holds (a subnet, the default bridge's settings,
/// a host port) another is refused at plan time, before anything changes.
/// </summary>
public sealed class CrossProjectScenarioTests
{
    private static string Spec(string name, string networks, string containers) => TempSpec.Write($"""
        version: 1
        name: {name}
        networks:
          {networks}
        containers:
          {containers}
        """);

    [Fact]
    public void A_subnet_another_project_or_a_foreign_interface_holds_is_refused_and_pools_skip_it()
    {
        var qa = Spec("qa", "n: {subnet: 10.5.0.0/24}", "c: {networks: [n]}");
        var qf = Spec("qf", "n: {subnet: 10.5.0.0/24}", "d: {networks: [n]}");
        var qfInside = Spec("qf", "n: {subnet: 10.5.0.0/25}", "d: {networks: [n]}");
        var qg = Spec("qg", "n: {subnet: 192.168.50.0/24}", "g: {networks: [n]}");
        var qh = Spec("qh", "n: {}", "h: {networks: [n]}");
        var s = SandboxShell.Run($"""
            step apply_qa $TOPO apply {qa}
            step apply_qf $TOPO apply {qf}
            step apply_qf_inside $TOPO apply {qfInside}
            step netns ip netns list
            step gateways ip -4 -o addr show to 10.5.0.0/16
            ip addr add 192.168.50.7/24 dev uplink0
            step plan_qg $TOPO plan {qg}
            ip addr add 172.18.9.9/24 dev uplink0
            step apply_qh $TOPO apply {qh}
            step qh_addr ip -n h -4 -o addr show dev eth0
            step qa_again $TOPO plan {qa} --detailed-exitcode
            """);
        s.Ok("apply_qa");

        var refused = s["apply_qf"];
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"{qf}:4:15: error: network 'n': subnet 10.5.0.0/24 overlaps network 'n' of project 'qa' (10.5.0.1/24 on bridge br-", refused.Output);
        Assert.DoesNotContain("Apply complete", refused.Output);
        var inside = s["apply_qf_inside"];
        Assert.Equal(1, inside.ExitCode);
        Assert.Contains("subnet 10.5.0.0/25 overlaps network 'n' of project 'qa'", inside.Output);

        // Nothing of qf was made: one namespace, one bridge with 10.5.0.1.
        Assert.Equal(["c"], s.Ok("netns").Namespaces());
        Assert.Single(s.Ok("gateways").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        var foreign = s["plan_qg"];
        Assert.Equal(1, foreign.ExitCode);
        Assert.Contains("subnet 192.168.50.0/24 overlaps 192.168.50.7/24 on interface uplink0, which topo does not own", foreign.Output);

        // 172.17.0.0/16 is the default bridge's; the next pool, 172.18.0.0/16, holds uplink0's
        // 172.18.9.9/24: the one after is taken.
        s.Ok("apply_qh");
        Assert.Contains("inet 172.19.0.2/16", s.Ok("qh_addr").Output);
        s.Ok("qa_again"); // exit 0: qa's own subnet is still its own
    }

    [Fact]
    public void The_default_bridges_settings_and_a_wildcard_host_port_are_not_fought_over()
    {
        var hm = Spec("hm", "bridge: {subnet: 10.9.0.0/16}", "m: {ports: [\"8080:80\"]}");
        var hb = Spec("hb", "bridge: {subnet: 10.8.0.0/16, mtu: 1400}", "b: {}");
        var hbPlain = Spec("hb", "{}", "b: {}");
        var hp4 = Spec("hp4", "{}", "p: {ports: [\"127.0.0.1:8080:80\"]}");
        var s = SandboxShell.Run($"""
            step apply_hm $TOPO apply {hm}
            step apply_hb $TOPO apply {hb}
            step apply_hb_plain $TOPO apply {hbPlain}
            step topo0 ip -4 -o addr show dev topo0
            step hm_again $TOPO plan {hm} --detailed-exitcode
            step apply_hp4 $TOPO apply {hp4}
            """);
        s.Ok("apply_hm");
        var refused = s["apply_hb"];
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("subnet 10.8.0.0/16 differs from topo0's 10.9.0.0/16; the default bridge is shared, and while project 'hm' uses it", refused.Output);
        Assert.Contains("mtu 1400 differs from topo0's 1500", refused.Output);
        s.Ok("apply_hb_plain");
        Assert.Single(s.Ok("topo0").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("inet 10.9.0.1/16", s.Ok("topo0").Output);
        s.Ok("hm_again");
        var port = s["apply_hp4"];
        Assert.Equal(1, port.ExitCode);
        Assert.Contains("host port 127.0.0.1:8080/tcp (container 'p') is already published by project 'hm' (container 'm' on 0.0.0.0:8080/tcp)", port.Output);
    }
}
