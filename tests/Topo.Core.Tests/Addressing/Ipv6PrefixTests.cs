using Topo.Core.Addressing;

namespace Topo.Core.Tests.Addressing;

public sealed class Ipv6PrefixTests
{
    [Theory]
    [InlineData("fd00:1::2/64", "fd00:1::2/64")]
    [InlineData("FD00:0001:0000:0000:0000:0000:0000:0002/64", "fd00:1::2/64")] // RFC 5952: lower case, zeros compressed
    [InlineData("2001:db8:0:0:1:0:0:1/48", "2001:db8::1:0:0:1/48")] // the first of two equal zero runs
    [InlineData("::/0", "::/0")]
    [InlineData("::ffff:192.0.2.1/128", "::ffff:192.0.2.1/128")]
    public void Parses_and_prints_the_canonical_form(string text, string canonical) =>
        Assert.Equal(canonical, Ipv6Prefix.Parse(text).ToString());

    [Theory]
    [InlineData("fd00::1")] // no length
    [InlineData("fd00::1/129")]
    [InlineData("fd00::1/")]
    [InlineData("fd00::1/+4")]
    [InlineData("fe80::1%eth0/64")] // a zone names a link: not an address topo can own
    [InlineData("[fd00::1]/64")]
    [InlineData("10.0.0.1/24")] // IPv4 is not IPv6
    [InlineData("fd00:::1/64")]
    public void Refuses_what_is_not_an_IPv6_prefix(string text) => Assert.False(Ipv6Prefix.TryParse(text, out _));

    [Fact]
    public void Network_first_last_and_containment_follow_the_length()
    {
        var address = Ipv6Prefix.Parse("fd00:1::2:3/64");
        Assert.Equal("fd00:1::/64", address.Network.ToString());
        Assert.False(address.IsNetwork);
        Assert.True(address.Network.IsNetwork);
        Assert.Equal("fd00:1::", address.First.ToString());
        Assert.Equal("fd00:1::ffff:ffff:ffff:ffff", address.Last.ToString());
        Assert.True(Ipv6Prefix.Parse("fd00::/16").Contains(address.Network));
        Assert.False(Ipv6Prefix.Parse("fd00::/48").Contains(address.Network)); // fd00:1:: is outside fd00:0:0::/48
        Assert.False(address.Network.Contains(Ipv6Prefix.Parse("fd00::/16")));
        Assert.True(Ipv6Prefix.Parse("fd00::/16").Overlaps(address.Network));
        Assert.False(Ipv6Prefix.Parse("fd00:2::/64").Overlaps(address.Network));
    }

    [Fact]
    public void Bytes_are_network_order()
    {
        var address = Ipv6Address.Parse("fd00:1::2");
        var bytes = new byte[16];
        address.WriteBytes(bytes);
        Assert.Equal("fd000001000000000000000000000002", Convert.ToHexStringLower(bytes));
        Assert.Equal(address, Ipv6Address.FromBytes(bytes));
        Assert.Equal("fd00:1::3", address.Add(1).ToString());
    }

    [Theory]
    [InlineData("fe80::1", true)]
    [InlineData("febf:ffff::1", true)]
    [InlineData("fec0::1", false)]
    [InlineData("fd00::1", false)]
    public void Link_local_is_fe80_slash_10(string text, bool linkLocal) =>
        Assert.Equal(linkLocal, Ipv6Address.Parse(text).IsLinkLocal);
}
