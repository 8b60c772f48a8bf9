using Topo.Core.Model;

namespace Topo.Core.Tests.Model;

public sealed class SysctlStateTests
{
    [Theory]
    [InlineData("net.ipv4.conf.br-1a2b.route_localnet", "br-1a2b")]
    [InlineData("net.ipv6.conf.br.lan.accept_ra", "br.lan")]   // Linux allows dots in names
    [InlineData("net.ipv6.conf.all.forwarding", null)]          // all and default are no interfaces
    [InlineData("net.ipv4.conf.default.rp_filter", null)]
    [InlineData("net.ipv4.ip_forward", null)]
    [InlineData("net.ipv6.conf.accept_ra", null)]
    public void An_interfaces_own_setting_names_its_interface(string key, string? link) =>
        Assert.Equal(link, new SysctlState(HostState.Host, key, "0").Interface);
}
