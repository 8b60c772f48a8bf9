using System.Text.RegularExpressions;
using Topo.Linux.Dns;
using static Topo.Linux.Tests.Dns.DnsTestViews;

namespace Topo.Linux.Tests.Dns;

/// <summary>The resolver as a container sees it: real dig inside a namespace, against 127.0.0.11.</summary>
public sealed partial class EmbeddedDnsAnswerTests
{
    private static DnsSandbox Serve(params string[] containers)
    {
        Sandbox.Sandbox.SkipUnlessRoot();
        var dns = new DnsSandbox();
        dns.Containers(containers);
        var result = dns.Dns.Update([.. containers.Select(c => View(c, Backend(ttl: 30)))]);
        Assert.True(result.Succeeded, string.Join("; ", result.Failed));
        Assert.Equal(containers.Length, result.Started);
        return dns;
    }

    [Fact]
    public void Names_aliases_and_qualified_names_answer_with_aa_ra_and_the_views_ttl_echoing_case()
    {
        using var dns = Serve("c1");
        var output = dns.Dig("c1", "WeB.BackEnd A");
        Assert.Contains("status: NOERROR", output);
        Assert.Matches(Flags(), output);
        Assert.Matches(@"WeB\.BackEnd\.\s+30\s+IN\s+A\s+172\.18\.0\.2", output);
        Assert.Equal(["172.18.0.2"], dns.Short("c1", "www"));
        Assert.Equal(["172.18.0.3"], dns.Short("c1", "db.backend"));
    }

    [GeneratedRegex(@"flags: qr aa rd ra;")]
    private static partial Regex Flags();

    [Fact]
    public void A_name_with_several_addresses_gets_all_rotated_per_query()
    {
        using var dns = Serve("c1");
        var answers = Enumerable.Range(0, 3).Select(_ => dns.Short("c1", "api")).ToList();
        foreach (var a in answers) Assert.Equal(["172.18.0.4", "172.18.0.5", "172.18.0.6"], a.Order());
        Assert.Equal(3, answers.Select(a => a[0]).Distinct().Count());
    }

    [Theory]
    [InlineData("AAAA")]
    [InlineData("MX")]
    [InlineData("TXT")]
    public void A_known_name_of_another_type_is_nodata(string type)
    {
        using var dns = Serve("c1");
        var output = dns.Dig("c1", $"web {type}");
        Assert.Contains("status: NOERROR", output);
        Assert.Contains("ANSWER: 0", output);
    }

    [Fact]
    public void Reverse_lookups_answer_every_name_in_order_and_own_subnets_never_go_upstream()
    {
        using var dns = Serve("c1");
        // upstream would answer both: the first is ours, the second in our subnet but unknown
        dns.Dnsmasq(DnsSandbox.UpstreamA, "--ptr-record=2.0.18.172.in-addr.arpa,leak.test", "--ptr-record=99.0.18.172.in-addr.arpa,leak.test");
        Assert.Equal(["web.", "www.", "web.backend."], dns.Short("c1", "-x 172.18.0.2"));
        var unknown = dns.Dig("c1", "-x 172.18.0.99");
        Assert.Contains("status: NXDOMAIN", unknown);
        Assert.DoesNotContain("leak.test", unknown);
        Assert.Equal(0, dns.Dns.Statistics.Forwarded);
    }

    [Fact]
    public void Local_names_win_over_upstream()
    {
        using var dns = Serve("c1");
        dns.Dnsmasq(DnsSandbox.UpstreamA, "--address=/web/10.6.6.6", "--address=/outside.test/10.9.9.9");
        Assert.Equal(["172.18.0.2"], dns.Short("c1", "web"));
        Assert.Equal(["10.9.9.9"], dns.Short("c1", "outside.test"));
    }

    [Fact]
    public void Over_udp_a_long_answer_is_truncated_and_over_tcp_whole()
    {
        Sandbox.Sandbox.SkipUnlessRoot();
        using var dns = new DnsSandbox();
        dns.Containers("c1");
        Assert.True(dns.Dns.Update([View("c1", Many(100))]).Succeeded);
        var classic = dns.Dig("c1", "+noedns +ignore many");
        Assert.Matches(@"flags: qr aa tc rd ra;", classic);
        var count = int.Parse(Regex.Match(classic, @"ANSWER: (\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(count, 1, 99);
        Assert.True(int.Parse(Regex.Match(classic, @"MSG SIZE\s+rcvd: (\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) <= 512);
        Assert.Matches(@"flags: qr aa tc rd ra;", dns.Dig("c1", "+bufsize=1232 +ignore many"));
        Assert.Equal(100, dns.Short("c1", "+bufsize=4096 +ignore many").Length);
        Assert.Equal(100, dns.Short("c1", "+tcp many").Length);
        Assert.Equal(100, dns.Short("c1", "many").Length); // dig retries over TCP on TC, as glibc does
    }

    [Fact]
    public void Over_tcp_several_queries_share_a_connection()
    {
        using var dns = Serve("c1");
        var output = dns.Dig("c1", "+tcp +keepopen +short web db www api");
        Assert.Equal(6, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void Only_the_container_namespace_listens_never_the_host()
    {
        using var dns = Serve("c1");
        var inside = Sandbox.Sandbox.Run("nsenter", $"--net={dns.Box.Store.PathOf("c1")} ss -H -lnut");
        Assert.Matches(@"udp\s+UNCONN\s+0\s+0\s+127\.0\.0\.11:53", inside);
        Assert.Matches(@"tcp\s+LISTEN\s+0\s+128\s+127\.0\.0\.11:53", inside);
        Assert.DoesNotContain(":53", Sandbox.Sandbox.Run("nsenter", $"--net={dns.Box.Host.Path} ss -H -lnut"));
    }
}
