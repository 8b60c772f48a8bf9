using Topo.Linux.Observation;

namespace Topo.Linux.Tests.Observation;

public sealed class SysctlPathTests
{
    [Theory]
    [InlineData("net.ipv4.ip_forward", "/proc/sys/net/ipv4/ip_forward")]
    [InlineData("net.ipv6.conf.all.forwarding", "/proc/sys/net/ipv6/conf/all/forwarding")]
    [InlineData("net.ipv6.conf.br-1a2b.accept_ra", "/proc/sys/net/ipv6/conf/br-1a2b/accept_ra")]
    // Linux allows dots in interface names (bridge_name: br.lan): the name stays one directory.
    [InlineData("net.ipv6.conf.br.lan.accept_ra", "/proc/sys/net/ipv6/conf/br.lan/accept_ra")]
    [InlineData("net.ipv4.conf.a.b.c.route_localnet", "/proc/sys/net/ipv4/conf/a.b.c/route_localnet")]
    [InlineData("net.ipv4.conf.br..route_localnet", "/proc/sys/net/ipv4/conf/br./route_localnet")]
    public void A_key_is_the_file_the_kernel_keeps_it_in(string key, string path) => Assert.Equal(path, SysctlPath.Of(key));

    [Theory]
    [InlineData("")]
    [InlineData("net/ipv4/ip_forward")]
    [InlineData("net.ipv4..ip_forward")]
    [InlineData("net.ipv4.conf....route_localnet")]
    public void What_is_not_a_key_is_refused(string key) => Assert.Throws<ArgumentException>(() => SysctlPath.Of(key));
}
