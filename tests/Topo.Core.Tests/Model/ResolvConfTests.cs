using Topo.Core.Model;

namespace Topo.Core.Tests.Model;

/// <summary>The host's resolv.conf read as Docker reads it (moby libnetwork/internal/resolvconf).</summary>
public sealed class ResolvConfTests
{
    [Fact]
    public void Keeps_valid_nameservers_in_order_the_last_search_line_and_every_options_word()
    {
        var conf = ResolvConf.Parse("""
            # comment
            ; another
            nameserver 192.168.1.1
            nameserver not-an-address
            nameserver 010.0.0.1
            nameserver fe80::1%eth0
            domain old.example
            search a.example b.example
            options edns0
            options trust-ad ndots:2
            sortlist 130.155.160.0/255.255.240.0
            nameserver
            """);
        Assert.Equal(["192.168.1.1", "fe80::1%eth0"], conf.Nameservers);
        Assert.Equal(["a.example", "b.example"], conf.Search);
        Assert.Equal(["edns0", "trust-ad", "ndots:2"], conf.Options);
    }

    [Fact]
    public void A_domain_line_after_search_wins_as_it_does_for_docker() =>
        Assert.Equal(["corp.example"], ResolvConf.Parse("search a.example\ndomain corp.example\n").Search);

    [Theory]
    [InlineData("192.168.1.1", true)]
    [InlineData("127.0.0.53", false)]
    [InlineData("127.1.2.3", false)]
    [InlineData("::1", false)]
    [InlineData("2001:db8::1", false)] // containers have no IPv6
    public void Reachable_from_a_container(string server, bool reachable) =>
        Assert.Equal(reachable, ResolvConf.ReachableFromContainer(server));

    [Fact]
    public void Equal_contents_are_equal() =>
        Assert.Equal(ResolvConf.Parse("nameserver 1.1.1.1\n"), ResolvConf.Parse("nameserver  1.1.1.1  \r\n"));
}
