using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using Topo.Core.Addressing;
using Topo.Linux.Dns;
using static Topo.Linux.Tests.Dns.DnsTestViews;

namespace Topo.Linux.Tests.Dns;

/// <summary>The resolver's small parts: resolv.conf, reverse names, the codec, sharing compiled zones and books.</summary>
public sealed class DnsPartsTests
{
    [Fact]
    public void Resolv_conf_nameservers_in_order_ipv4_and_ipv6_without_duplicates_or_garbage()
    {
        var servers = ResolvConf.Parse("""
            # generated
            search example.com
            nameserver 10.0.0.53
            nameserver	fe80::1%lo   # trailing words
            ; nameserver 1.1.1.1
            nameserver 2001:db8::53
            nameserver 10.0.0.53
            nameserver not-an-address
            nameserver
            options edns0 timeout:1
            nameserver 127.0.0.53
            """);
        Assert.Equal(["10.0.0.53:53", "[fe80::1%1]:53", "[2001:db8::53]:53", "127.0.0.53:53"], servers.Select(s => s.ToString()));
        Assert.Empty(ResolvConf.Parse(""));
    }

    [Fact]
    public void The_soft_open_file_limit_is_raised_to_the_hard_one_as_nativeaot_does_not()
    {
        var (soft, hard) = OpenFileLimits();
        Assert.True(hard > 4096, $"hard limit {hard}");
        Run($"prlimit --pid {Environment.ProcessId} --nofile=4096:{hard}");
        try
        {
            Assert.Equal((4096UL, hard), OpenFileLimits());
            Assert.Equal(hard, FileDescriptors.RaiseOpenFileLimit());
            Assert.Equal((hard, hard), OpenFileLimits());
        }
        finally
        {
            Run($"prlimit --pid {Environment.ProcessId} --nofile={soft}:{hard}");
        }
    }

    private static (ulong Soft, ulong Hard) OpenFileLimits()
    {
        var fields = File.ReadLines("/proc/self/limits").First(l => l.StartsWith("Max open files", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (ulong.Parse(fields[3], System.Globalization.CultureInfo.InvariantCulture), ulong.Parse(fields[4], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static void Run(string command) => Sandbox.Sandbox.Run("sh", $"-c \"{command}\"");

    [Theory]
    [InlineData("4.3.2.1.in-addr.arpa", "1.2.3.4/32", 0)]
    [InlineData("3.2.1.IN-ADDR.ARPA", "1.2.3.0/24", 0)]
    [InlineData("x.4.3.2.1.in-addr.arpa", "1.2.3.4/32", 1)]
    [InlineData("5.4.3.2.1.in-addr.arpa", "1.2.3.4/32", 1)]
    [InlineData("256.3.2.1.in-addr.arpa", "1.2.3.0/24", 1)]
    [InlineData("04.3.2.1.in-addr.arpa", "1.2.3.0/24", 1)]
    public void Reverse_names_read_as_the_prefix_their_octets_spell(string name, string prefix, int extra)
    {
        var reverse = ReverseName.Of(DomainName.Parse(name))!.Value;
        Assert.Equal(Ipv4Prefix.Parse(prefix), reverse.Prefix);
        Assert.Equal(extra, reverse.ExtraLabels);
    }

    [Theory]
    [InlineData("example.com")]
    [InlineData("in-addr.arpa")]
    [InlineData("x.in-addr.arpa")]
    [InlineData("1.ip6.arpa")]
    public void Other_names_are_no_reverse_names(string name) => Assert.Null(ReverseName.Of(DomainName.Parse(name)));

    [Fact]
    public void The_codec_encodes_through_arsofts_own_encoder_and_round_trips()
    {
        var bytes = Query("web.backend", RecordType.Aaaa, id: 99, ednsSize: 1232);
        var parsed = Parse(bytes);
        Assert.Equal(99, parsed.TransactionID);
        Assert.Equal(RecordType.Aaaa, parsed.Questions[0].RecordType);
        Assert.Equal(1232, parsed.EDnsOptions!.UdpPayloadSize);
        Assert.Equal(bytes, DnsCodec.Encode(parsed));
    }

    [Fact]
    public void Names_with_underscores_answer_and_point()
    {
        var zone = Zone("internal", 10, ["centos_one=192.168.3.2"], ["192.168.3.2=centos_one,centos_one.internal"]);
        var book = new ZoneCompiler([], []).BookOf(View("c", zone));
        var name = book.Find(new DnsQuestion(DomainName.Parse("Centos_One"), RecordType.A, RecordClass.INet));
        Assert.Equal(LocalResult.Records, name.Result);
        var pointer = book.Find(new DnsQuestion(DomainName.Parse("2.3.168.192.in-addr.arpa"), RecordType.Ptr, RecordClass.INet));
        Assert.Equal(["centos_one.", "centos_one.internal."], pointer.Pointer!.Targets.Select(t => t.ToString()));
    }

    [Fact]
    public void Views_with_the_same_zones_share_one_compiled_zone_and_one_book_and_keep_them_across_rounds()
    {
        var round1 = new ZoneCompiler([], []);
        var zone = Backend();
        var books = Enumerable.Range(0, 500).Select(i => round1.BookOf(View($"c{i}", zone))).Distinct().ToList();
        var book = Assert.Single(books);
        var round2 = round1.NextRound();
        Assert.Same(book, round2.BookOf(View("c0", Backend()))); // an equal zone: same compiled zone, same book
        var round3 = round2.NextRound();
        var changed = round3.BookOf(View("c0", Zone("backend", 10, ["web=172.18.0.9"], [])));
        Assert.NotSame(book, changed);
        Assert.NotSame(book, round3.NextRound().NextRound().BookOf(View("c0", zone))); // dropped once no round had it
    }
}
