using Topo.Core.Addressing;

namespace Topo.Core.Tests.Addressing;

public sealed class Ipv4PrefixTests
{
    [Theory]
    [InlineData("192.168.1.0/24", true)]
    [InlineData("10.0.0.0/8", true)]
    [InlineData("0.0.0.0/0", true)]
    [InlineData("192.168.1.0", false)]
    [InlineData("192.168.1.0/33", false)]
    [InlineData("192.168.01.0/24", false)]
    [InlineData("256.1.1.0/24", false)]
    [InlineData("1.2.3/24", false)]
    [InlineData("1.2.3.4/", false)]
    public void Parses_only_well_formed_prefixes(string text, bool valid) =>
        Assert.Equal(valid, Ipv4Prefix.TryParse(text, out _));

    [Theory]
    [InlineData("0.0.0.0/0")]
    [InlineData("9.10.99.100/8")]
    [InlineData("255.255.255.255/32")]
    [InlineData("172.17.0.2/16")]
    public void Formats_back_to_the_text_it_was_parsed_from(string text)
    {
        var prefix = Ipv4Prefix.Parse(text);
        Assert.Equal(text, prefix.ToString());
        Assert.Equal(text, $"{prefix}");
        Assert.Equal(text[..text.IndexOf('/')], prefix.Address.ToString());
        // A destination one character short is refused, not overrun.
        Assert.False(prefix.TryFormat(new char[text.Length - 1], out _));
        Assert.True(prefix.TryFormat(new char[text.Length], out var written));
        Assert.Equal(text.Length, written);
    }

    [Fact]
    public void Network_clears_host_bits_and_bounds_are_inclusive()
    {
        var p = Ipv4Prefix.Parse("192.168.1.77/25");
        Assert.Equal("192.168.1.0/25", p.Network.ToString());
        Assert.Equal("192.168.1.127", p.Last.ToString());
        Assert.True(p.Contains(Ipv4Address.Parse("192.168.1.127")));
        Assert.False(p.Contains(Ipv4Address.Parse("192.168.1.128")));
    }

    [Fact]
    public void Overlap_is_symmetric()
    {
        var big = Ipv4Prefix.Parse("172.20.0.0/14");
        var small = Ipv4Prefix.Parse("172.22.0.0/16");
        Assert.True(big.Overlaps(small));
        Assert.True(small.Overlaps(big));
        Assert.False(small.Overlaps(Ipv4Prefix.Parse("172.24.0.0/16")));
    }

    [Fact]
    public void Mac_follows_dockers_scheme()
    {
        Assert.Equal("02:42:ac:11:00:02", MacAddress.FromIpv4(Ipv4Address.Parse("172.17.0.2")).ToString());
    }
}
