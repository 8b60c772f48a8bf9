using System.Collections.Immutable;
using Topo.Core.Addressing;
using Topo.Core.Dns;
using static Topo.Linux.Tests.Dns.DnsTestViews;

namespace Topo.Linux.Tests.Dns;

/// <summary>AAAA and ip6.arpa PTR answers, with real dig in a namespace against 127.0.0.11 (issue #14).</summary>
public sealed class EmbeddedDnsIpv6Tests
{
    /// <summary>The back-end zone in dual stack: web (alias www) has fd00:1::2; db has IPv4 only.</summary>
    private static DnsZone DualStack() => new("backend", 30,
        [
            Names("web", "172.18.0.2"), Names("www", "172.18.0.2"), Names("web.backend", "172.18.0.2"),
            Names("db", "172.18.0.3"), Names("db.backend", "172.18.0.3"),
        ],
        [(Ipv4Address.Parse("172.18.0.2"), ["web", "www", "web.backend"]), (Ipv4Address.Parse("172.18.0.3"), ["db", "db.backend"])],
        [
            KeyValuePair.Create("web", ImmutableArray.Create(Ipv6Address.Parse("fd00:1::2"))),
            KeyValuePair.Create("www", ImmutableArray.Create(Ipv6Address.Parse("fd00:1::2"))),
            KeyValuePair.Create("web.backend", ImmutableArray.Create(Ipv6Address.Parse("fd00:1::2"))),
        ],
        [(Ipv6Address.Parse("fd00:1::2"), ["web", "www", "web.backend"])]);

    private static KeyValuePair<string, ImmutableArray<Ipv4Address>> Names(string name, string address) =>
        KeyValuePair.Create(name, ImmutableArray.Create(Ipv4Address.Parse(address)));

    private static DnsSandbox Serve()
    {
        Sandbox.Sandbox.SkipUnlessRoot();
        var dns = new DnsSandbox();
        dns.Containers("c1");
        var view = new DnsView("c1", [DualStack()], [Ipv4Prefix.Parse("172.18.0.0/16")]) { OwnIpv6Subnets = [Ipv6Prefix.Parse("fd00:1::/64")] };
        var result = dns.Dns.Update([view]);
        Assert.True(result.Succeeded, string.Join("; ", result.Failed));
        return dns;
    }

    [Fact]
    public void A_name_with_an_ipv6_address_answers_aaaa_and_one_without_answers_nodata()
    {
        using var dns = Serve();
        var web = dns.Dig("c1", "web.backend AAAA");
        Assert.Contains("status: NOERROR", web);
        Assert.Matches(@"web\.backend\.\s+30\s+IN\s+AAAA\s+fd00:1::2", web);
        Assert.Equal(["fd00:1::2"], dns.Short("c1", "www AAAA"));
        Assert.Equal(["172.18.0.2"], dns.Short("c1", "web A"));
        var db = dns.Dig("c1", "db AAAA");
        Assert.Contains("status: NOERROR", db);
        Assert.Contains("ANSWER: 0", db);
    }

    [Fact]
    public void Ipv6_reverse_lookups_answer_in_nibble_form_and_own_subnets_never_go_upstream()
    {
        using var dns = Serve();
        dns.Dnsmasq(DnsSandbox.UpstreamA, "--ptr-record=9.9.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa,leak.test");
        Assert.Equal(["web.", "www.", "web.backend."], dns.Short("c1", "-x fd00:1::2"));
        var unknown = dns.Dig("c1", "-x fd00:1::99");
        Assert.Contains("status: NXDOMAIN", unknown);
        Assert.DoesNotContain("leak.test", unknown);
        Assert.Equal(0, dns.Dns.Statistics.Forwarded);
    }
}
