using Topo.Scenarios.Support;

namespace Topo.Scenarios.Host;

/// <summary>
/// The reference scenario "Embedded DNS Service" (examples/embedded-dns.yaml) for real: each
/// container's /etc/netns resolv.conf and hosts, as `ip netns exec` shows them, names resolved
/// through the hosts file with no DNS server running, drift repaired, nothing left after destroy.
/// </summary>
public sealed class EmbeddedDnsScenarioTests
{
    [Fact]
    public void Resolv_conf_and_hosts_are_written_resolve_names_are_repaired_and_go_with_destroy()
    {
        var spec = Repo.PathOf("examples/embedded-dns.yaml");
        var s = SandboxShell.Run($"""
            step apply $TOPO apply {spec}
            step one_resolv ip netns exec centos_one cat /etc/resolv.conf
            step two_resolv ip netns exec centos_two cat /etc/resolv.conf
            step three_resolv ip netns exec centos_three cat /etc/resolv.conf
            step two_hosts ip netns exec centos_two cat /etc/hosts
            step raw_hosts cat /etc/netns/centos_two/hosts
            step three ip netns exec centos_two getent hosts centos_three
            step three_qualified ip netns exec centos_two getent hosts centos_three.internal
            step one sh -c 'ip netns exec centos_two getent hosts centos_one; echo "exit $?"'
            step ping ip netns exec centos_two ping -c1 -W2 centos_three
            step again $TOPO apply {spec}
            step edit sh -c 'echo "nameserver 6.6.6.6" >> /etc/netns/centos_two/resolv.conf'
            step drift $TOPO plan {spec}
            step repair $TOPO apply {spec}
            step repaired cat /etc/netns/centos_two/resolv.conf
            step converged $TOPO plan {spec} --detailed-exitcode
            step destroy $TOPO destroy {spec}
            step etc ls -A /etc/netns
            step netns ip netns list
            """);
        Assert.Contains("Apply complete!", s.Ok("apply").Output);

        // Only on the default bridge: the host's own servers, its loopback one (127.0.0.53) left out.
        Assert.Equal("# topo:embedded-dns:container:centos_one — written by topo; changes are overwritten\n" +
                     "nameserver 10.99.0.1\nsearch sandbox.test\n", s.Ok("one_resolv").Output);
        // On the DNS-enabled network internal: the embedded server.
        const string Embedded = "nameserver 127.0.0.11\nsearch sandbox.test\noptions ndots:0\n";
        Assert.EndsWith(Embedded, s.Ok("two_resolv").Output);
        Assert.EndsWith(Embedded, s.Ok("three_resolv").Output);
        Assert.Equal(s.Ok("raw_hosts").Output, s.Ok("two_hosts").Output);
        Assert.Contains("\n127.0.0.1\tlocalhost\n", s.Ok("two_hosts").Output);
        Assert.Contains("\n192.168.3.3\tcentos_three centos_three.internal\n", s.Ok("two_hosts").Output);

        // No DNS server runs yet: the hosts file alone answers.
        Assert.Equal("192.168.3.3     centos_three centos_three.internal\n", s.Ok("three").Output);
        Assert.StartsWith("192.168.3.3", s.Ok("three_qualified").Output);
        Assert.Equal("exit 2\n", s.Ok("one").Output); // not on a shared DNS network: not found
        s.Ok("ping");

        Assert.Equal("No changes. The host matches the topology.\n", s.Ok("again").Output);

        // Edited by hand: the plan shows it, and the next apply puts the file back.
        var drift = s.Ok("drift").Output;
        Assert.Contains("  ~ file centos_two/resolv.conf\n", drift);
        Assert.Contains("          - nameserver 6.6.6.6\n", drift);
        Assert.Contains("Plan: 0 to add, 1 to change, 0 to destroy.", drift);
        Assert.Contains("1 changed", s.Ok("repair").Output);
        Assert.EndsWith(Embedded, s.Ok("repaired").Output);
        s.Ok("converged");

        s.Ok("destroy");
        Assert.Equal("", s.Ok("etc").Output);
        Assert.Empty(s.Ok("netns").Namespaces());
    }
}
