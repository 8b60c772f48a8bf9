using System.Net;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using CsCheck;
using Topo.Core.Dns;
using Topo.Linux.Dns;
using static Topo.Linux.Tests.Dns.DnsTestViews;

namespace Topo.Linux.Tests.Dns;

/// <summary>The answering rules, without sockets or root: query bytes in, reply bytes out.</summary>
public sealed class ResponderTests
{
    private readonly DnsCounters _counters = new();

    private static AnswerBook Book(params DnsZone[] zones) => new ZoneCompiler([], []).BookOf(View("c", zones));

    private QueryOutcome Ask(AnswerBook book, byte[] query, DnsTransport transport = DnsTransport.Udp) =>
        new Responder(_counters).Answer(query, new byte[ushort.MaxValue], book, transport); // a scratch each: CsCheck samples on several threads

    /// <summary>What a client receives: the reply with the query's id written over it, as the loop sends it.</summary>
    private DnsMessage Reply(AnswerBook book, byte[] query, DnsTransport transport = DnsTransport.Udp)
    {
        var outcome = Ask(book, query, transport);
        Assert.Equal(QueryAction.Reply, outcome.Action);
        var bytes = (byte[])outcome.Reply!.Clone();
        query.AsSpan(0, 2).CopyTo(bytes);
        return Parse(bytes);
    }

    private static string[] Addresses(DnsMessage reply) => [.. reply.AnswerRecords.OfType<ARecord>().Select(a => a.Address.ToString())];

    [Fact]
    public void A_name_answers_with_its_address_authoritatively_with_the_views_ttl_echoing_the_askers_case()
    {
        var reply = Reply(Book(Backend(ttl: 42)), Query("WeB.BackEnd", RecordType.A, id: 0x1234));
        Assert.Equal(0x1234, reply.TransactionID);
        Assert.False(reply.IsQuery);
        Assert.Equal(ReturnCode.NoError, reply.ReturnCode);
        Assert.True(reply.IsAuthoritiveAnswer);
        Assert.True(reply.IsRecursionAllowed);
        Assert.True(reply.IsRecursionDesired);
        var a = Assert.Single(reply.AnswerRecords.OfType<ARecord>());
        Assert.Equal("172.18.0.2", a.Address.ToString());
        Assert.Equal(42, a.TimeToLive);
        Assert.Equal("WeB.BackEnd.", a.Name.ToString());
        Assert.Equal("WeB.BackEnd.", reply.Questions[0].Name.ToString());
    }

    [Fact]
    public void Aliases_and_qualified_names_answer_too()
    {
        var book = Book(Backend());
        Assert.Equal(["172.18.0.2"], Addresses(Reply(book, Query("www", RecordType.A))));
        Assert.Equal(["172.18.0.3"], Addresses(Reply(book, Query("db.backend.", RecordType.A))));
    }

    [Fact]
    public void Several_addresses_all_answer_rotated_per_query()
    {
        var book = Book(Backend());
        var replies = Enumerable.Range(0, 3).Select(_ => Addresses(Reply(book, Query("api", RecordType.A)))).ToList();
        foreach (var r in replies) Assert.Equal(["172.18.0.4", "172.18.0.5", "172.18.0.6"], r.Order());
        Assert.Equal(["172.18.0.4", "172.18.0.5", "172.18.0.6"], replies.Select(r => r[0]).Order());
        // the rotation is the name's, whoever asks and however they spell it
        Assert.Equal("172.18.0.4", Addresses(Reply(book, Query("API", RecordType.A, ednsSize: 1232)))[0]);
    }

    [Theory]
    [InlineData(RecordType.Aaaa)]
    [InlineData(RecordType.Mx)]
    [InlineData(RecordType.Txt)]
    [InlineData(RecordType.Srv)]
    public void A_known_name_asked_for_another_type_is_nodata_not_nxdomain(RecordType type)
    {
        var reply = Reply(Book(Backend()), Query("web", type));
        Assert.Equal(ReturnCode.NoError, reply.ReturnCode);
        Assert.Empty(reply.AnswerRecords);
        Assert.True(reply.IsAuthoritiveAnswer);
    }

    [Fact]
    public void A_pointer_answers_one_ptr_per_name_in_order()
    {
        var reply = Reply(Book(Backend()), Query("2.0.18.172.in-addr.arpa", RecordType.Ptr));
        Assert.Equal(ReturnCode.NoError, reply.ReturnCode);
        Assert.True(reply.IsAuthoritiveAnswer);
        Assert.Equal(["web.", "www.", "web.backend."], reply.AnswerRecords.OfType<PtrRecord>().Select(p => p.PointerDomainName.ToString()));
        Assert.All(reply.AnswerRecords, r => Assert.Equal(10, r.TimeToLive));
    }

    [Fact]
    public void A_reverse_name_in_an_own_subnet_without_pointer_is_nxdomain_here_and_never_forwarded()
    {
        var book = Book(Backend());
        var reply = Reply(book, Query("99.0.18.172.in-addr.arpa", RecordType.Ptr));
        Assert.Equal(ReturnCode.NxDomain, reply.ReturnCode);
        Assert.True(reply.IsAuthoritiveAnswer);
        Assert.Equal(ReturnCode.NxDomain, Reply(book, Query("x.2.0.18.172.in-addr.arpa", RecordType.Ptr)).ReturnCode);
        // a parent of names we hold exists (empty), so NXDOMAIN would be a lie (RFC 8020)
        var parent = Reply(book, Query("0.18.172.in-addr.arpa", RecordType.Soa));
        Assert.Equal(ReturnCode.NoError, parent.ReturnCode);
        Assert.Empty(parent.AnswerRecords);
        Assert.Equal(ReturnCode.NxDomain, Reply(book, Query("9.18.172.in-addr.arpa", RecordType.Ptr)).ReturnCode);
    }

    [Theory]
    [InlineData("example.com", RecordType.A)]
    [InlineData("webx", RecordType.A)]
    [InlineData("1.1.168.192.in-addr.arpa", RecordType.Ptr)] // outside the own subnets
    [InlineData("172.in-addr.arpa", RecordType.Ns)] // wider than an own subnet
    public void What_the_view_does_not_hold_is_forwarded(string name, RecordType type)
    {
        var outcome = Ask(Book(Backend()), Query(name, type));
        Assert.Equal(QueryAction.Forward, outcome.Action);
        Assert.Equal(name.TrimEnd('.') + ".", outcome.Query!.Questions[0].Name.ToString());
    }

    [Fact]
    public void The_first_zone_with_a_name_answers()
    {
        var front = Zone("frontend", 10, ["web=10.1.0.9"], ["10.1.0.9=web"]);
        Assert.Equal(["10.1.0.9"], Addresses(Reply(Book(front, Backend()), Query("web", RecordType.A))));
        Assert.Equal(["172.18.0.2"], Addresses(Reply(Book(Backend(), front), Query("web", RecordType.A))));
    }

    [Fact]
    public void Over_udp_a_reply_beyond_512_bytes_without_edns_is_truncated_with_tc()
    {
        var book = Book(Many(100));
        var outcome = Ask(book, Query("many", RecordType.A));
        Assert.True(outcome.Reply!.Length <= 512);
        var reply = Parse(outcome.Reply);
        Assert.True(reply.IsTruncated);
        Assert.InRange(reply.AnswerRecords.Count, 1, 99);
    }

    [Fact]
    public void Over_udp_the_clients_edns_size_is_the_limit()
    {
        var book = Book(Many(100));
        var small = Ask(book, Query("many", RecordType.A, ednsSize: 1232));
        Assert.True(small.Reply!.Length <= 1232);
        Assert.True(Parse(small.Reply).IsTruncated);
        var large = Parse(Ask(book, Query("many", RecordType.A, ednsSize: 4096)).Reply!);
        Assert.False(large.IsTruncated);
        Assert.Equal(100, large.AnswerRecords.Count);
        Assert.True(large.IsEDnsEnabled);
        Assert.Equal(DnsCodec.AdvertisedUdpSize, large.EDnsOptions!.UdpPayloadSize);
    }

    [Fact]
    public void Over_tcp_the_whole_answer()
    {
        var reply = Reply(Book(Many(1000)), Query("many", RecordType.A), DnsTransport.Tcp);
        Assert.False(reply.IsTruncated);
        Assert.Equal(1000, reply.AnswerRecords.Count);
    }

    [Fact]
    public void A_repeated_query_is_answered_from_the_cache_with_its_own_id()
    {
        var book = Book(Backend());
        var first = Reply(book, Query("web", RecordType.A, id: 1));
        Assert.Equal(1, book.Cache.Count);
        var again = Reply(book, Query("web", RecordType.A, id: 2));
        Assert.Equal(1, book.Cache.Count);
        Assert.Equal(2, again.TransactionID);
        Assert.Equal(Addresses(first), Addresses(again));
        // another spelling is another entry (its reply echoes that spelling)
        Assert.Equal("WEB.", Reply(book, Query("WEB", RecordType.A, id: 3)).Questions[0].Name.ToString());
        Assert.Equal(2, book.Cache.Count);
    }

    [Fact]
    public void A_cached_answer_allocates_nothing()
    {
        var book = Book(Backend());
        var responder = new Responder(_counters);
        var query = Query("web", RecordType.A);
        var scratch = new byte[512];
        for (var i = 0; i < 100; i++) responder.Answer(query, scratch, book, DnsTransport.Udp); // cached, warm
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++) responder.Answer(query, scratch, book, DnsTransport.Udp);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1_000, $"{allocated} bytes for 10,000 answers"); // was 56 bytes each; tiering may allocate once
    }

    [Fact]
    public void Queries_with_edns_options_such_as_cookies_are_answered_but_not_cached()
    {
        var book = Book(Backend());
        var query = Query("web", RecordType.A, ednsSize: 1232, change: q => q.EDnsOptions!.Options.Add(new CookieOption(new byte[8], null!)));
        Assert.Equal(["172.18.0.2"], Addresses(Reply(book, query)));
        Assert.Equal(0, book.Cache.Count);
    }

    [Fact]
    public void Responses_are_never_answered()
    {
        var response = Query("web", RecordType.A, change: q => q.IsQuery = false);
        Assert.Equal(QueryAction.Drop, Ask(Book(Backend()), response).Action);
    }

    [Fact]
    public void Another_opcode_is_notimp()
    {
        var notify = Query("web", RecordType.Soa, change: q => q.OperationCode = OperationCode.Notify);
        Assert.Equal(ReturnCode.NotImplemented, Reply(Book(Backend()), notify).ReturnCode);
    }

    [Fact]
    public void Zero_or_several_questions_are_formerr()
    {
        var none = Query("web", RecordType.A, change: q => q.Questions.Clear());
        Assert.Equal(ReturnCode.FormatError, Reply(Book(Backend()), none).ReturnCode);
        var two = Query("web", RecordType.A, change: q => q.Questions.Add(new DnsQuestion(DomainName.Parse("db"), RecordType.A, RecordClass.INet)));
        Assert.Equal(ReturnCode.FormatError, Reply(Book(Backend()), two).ReturnCode);
    }

    [Fact]
    public void An_unknown_edns_version_is_badvers()
    {
        var query = Query("web", RecordType.A, ednsSize: 1232, change: q => q.EDnsOptions!.Version = 1);
        Assert.Equal(ReturnCode.BadVersion, Reply(Book(Backend()), query).ReturnCode);
    }

    [Fact]
    public void Garbage_with_a_query_header_is_formerr_and_without_one_dropped()
    {
        var book = Book(Backend());
        byte[] header = [0xAB, 0xCD, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 1, 0, 1]; // a name pointing at itself
        var formerr = Reply(book, header);
        Assert.Equal(ReturnCode.FormatError, formerr.ReturnCode);
        Assert.Equal(0xABCD, formerr.TransactionID);
        Assert.Equal(QueryAction.Drop, Ask(book, [1, 2, 3]).Action);
        header[2] |= 0x80; // a "response"
        Assert.Equal(QueryAction.Drop, Ask(book, header).Action);
    }

    [Fact]
    public void Random_and_mutated_packets_never_throw_and_never_get_a_reply_to_a_response()
    {
        var book = Book(Backend(), Many(50));
        var valid = Query("api", RecordType.A, ednsSize: 1232);
        var mutated = Gen.Int[0, valid.Length - 1].Array[1, 6].Select(Gen.Byte.Array[6], (positions, values) =>
        {
            var copy = (byte[])valid.Clone();
            for (var i = 0; i < positions.Length; i++) copy[positions[i]] = values[i];
            return copy;
        });
        var random = Gen.Byte.Array[0, 600];
        Gen.OneOf(mutated, random).Sample(packet =>
        {
            var outcome = Ask(book, packet);
            if (outcome.Action == QueryAction.Reply && packet.Length >= 3) Assert.True((packet[2] & 0x80) == 0, "replied to a response");
            if (outcome.Reply is { } reply) Assert.NotNull(DnsCodec.TryParse(reply));
        }, iter: 20_000);
    }

    [Fact]
    public void Server_failure_keeps_the_id_and_question()
    {
        var query = Parse(Query("example.com", RecordType.A, id: 777));
        var reply = Parse(Responder.ServerFailure(query));
        Assert.Equal(777, reply.TransactionID);
        Assert.Equal(ReturnCode.ServerFailure, reply.ReturnCode);
        Assert.Equal("example.com.", reply.Questions[0].Name.ToString());
    }
}
