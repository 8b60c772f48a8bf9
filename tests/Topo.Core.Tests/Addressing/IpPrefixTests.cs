using Topo.Core.Addressing;

namespace Topo.Core.Tests.Addressing;

public sealed class IpPrefixTests
{
    [Theory]
    [InlineData("192.168.1.10/24", false, "192.168.1.0/24")]
    [InlineData("fd00:1::2/64", true, "fd00:1::/64")]
    public void Either_family_parses_to_its_own_kind(string text, bool v6, string network)
    {
        var prefix = IpPrefix.Parse(text);
        Assert.Equal(v6, prefix.IsV6);
        Assert.Equal(text, prefix.ToString());
        Assert.Equal(network, prefix.Network.ToString());
    }

    [Fact]
    public void Asking_for_the_other_family_is_a_bug_that_names_the_value()
    {
        var v6 = IpPrefix.Parse("fd00::1/64");
        Assert.Contains("fd00::1/64 is an IPv6 prefix", Assert.Throws<InvalidOperationException>(() => v6.V4).Message);
        var v4 = IpAddress.Parse("10.0.0.1");
        Assert.Contains("10.0.0.1 is an IPv4 address", Assert.Throws<InvalidOperationException>(() => v4.V6).Message);
    }

    [Fact]
    public void Values_of_the_two_families_never_compare_equal_and_IPv4_sorts_first()
    {
        // ::a00:1 has the same low 32 bits as 10.0.0.1.
        IpAddress v4 = Ipv4Address.Parse("10.0.0.1"), v6 = Ipv6Address.Parse("::a00:1");
        Assert.NotEqual(v4, v6);
        Assert.True(v4.CompareTo(v6) < 0);
        Assert.Equal(new[] { "10.0.0.0/8", "::/0" },
            new[] { IpPrefix.Parse("::/0"), IpPrefix.Parse("10.0.0.0/8") }.Order().Select(p => p.ToString()));
    }
}
