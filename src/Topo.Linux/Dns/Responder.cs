using ARSoft.Tools.Net.Dns;

namespace Topo.Linux.Dns;

internal enum DnsTransport
{
    Udp,
    Tcp,
}

internal enum QueryAction
{
    /// <summary>No reply: not a query, or not even a header.</summary>
    Drop,
    Reply,
    /// <summary>Not in the view: ask upstream (<see cref="QueryOutcome.Query"/> is the parsed query).</summary>
    Forward,
}

/// <summary>What to do with one received query.</summary>
internal readonly record struct QueryOutcome(QueryAction Action, byte[]? Reply, DnsMessage? Query)
{
    public static QueryOutcome Drop => default;
}

/// <summary>
/// The answering rules, transport aside: a query's bytes and the namespace's book in, a reply (or
/// "forward", or "drop") out. Local answers are authoritative (AA) and say recursion is available
/// (RA, as we forward the rest); names the view holds always win over upstream.
/// </summary>
internal sealed class Responder(DnsCounters counters)
{
    private const int HeaderLength = 12;
    private const int IdLength = 2;
    private const byte QueryResponseBit = 0x80; // in the first flags byte

    /// <summary>
    /// The reply to <paramref name="data"/>. Over UDP a query seen before (same bytes but the id)
    /// gets the reply cached for it, whose id the caller must overwrite with the query's (the first
    /// two bytes; for other replies the id is right already, so writing it is always correct).
    /// </summary>
    /// <param name="data">The query as received.</param>
    /// <param name="scratch">An array of at least data's length to parse from (ARSoft parses arrays); overwritten.</param>
    public QueryOutcome Answer(ReadOnlySpan<byte> data, byte[] scratch, AnswerBook book, DnsTransport transport)
    {
        if (transport == DnsTransport.Udp && data.Length > HeaderLength && book.Cache.TryGet(data[IdLength..], out var cached))
        {
            counters.Answered();
            return new QueryOutcome(QueryAction.Reply, cached.Next(), null);
        }
        return Parse(data, scratch, book, transport);
    }

    /// <summary>
    /// Everything but a cache hit. A method of its own: the closure that encodes a cached reply
    /// captures its locals, and C# allocates such a closure where their scope begins — in
    /// <see cref="Answer"/> that was every query, hits included (56 bytes each).
    /// </summary>
    private QueryOutcome Parse(ReadOnlySpan<byte> data, byte[] scratch, AnswerBook book, DnsTransport transport)
    {
        data.CopyTo(scratch);
        if (DnsCodec.TryParse(new ArraySegment<byte>(scratch, 0, data.Length)) is not { } query) return Malformed(data);
        if (!query.IsQuery)
        {
            counters.Dropped(); // never answer a response: two resolvers would bounce it forever
            return QueryOutcome.Drop;
        }
        if (query.OperationCode != OperationCode.Query) return Reject(query, ReturnCode.NotImplemented, keepQuestions: true);
        if (query.Questions.Count != 1) return Reject(query, ReturnCode.FormatError, keepQuestions: false);
        if (query.IsEDnsEnabled && query.EDnsOptions!.Version != 0) return Reject(query, ReturnCode.BadVersion, keepQuestions: true);

        var answer = book.Find(query.Questions[0]);
        if (answer.Result == LocalResult.NotLocal) return new QueryOutcome(QueryAction.Forward, null, query);
        counters.Answered();
        var limit = transport == DnsTransport.Udp ? UdpLimit(query) : ushort.MaxValue;
        if (transport == DnsTransport.Udp && IsCacheable(query))
        {
            var entry = new CachedReply(answer, rotation => Encode(query, answer, rotation, limit));
            book.Cache.Add(data[IdLength..], entry);
            return new QueryOutcome(QueryAction.Reply, entry.Next(), null);
        }
        return new QueryOutcome(QueryAction.Reply, Encode(query, answer, answer.NextRotation(), limit), null);
    }

    /// <summary>SERVFAIL for a query no upstream server answered.</summary>
    public static byte[] ServerFailure(DnsMessage query)
    {
        var response = NewResponse(query, authoritative: false);
        response.ReturnCode = ReturnCode.ServerFailure;
        return DnsCodec.Encode(response);
    }

    /// <summary>The most a UDP reply to <paramref name="query"/> may take: 512 bytes, or the client's EDNS size (capped).</summary>
    public static int UdpLimit(DnsMessage query) =>
        query.IsEDnsEnabled ? Math.Clamp((int)query.EDnsOptions!.UdpPayloadSize, DnsCodec.ClassicUdpLimit, DnsCodec.MaxUdpReply) : DnsCodec.ClassicUdpLimit;

    private static byte[] Encode(DnsMessage query, LocalAnswer answer, int rotation, int limit)
    {
        var response = NewResponse(query, authoritative: true);
        response.ReturnCode = answer.Result == LocalResult.NoSuchName ? ReturnCode.NxDomain : ReturnCode.NoError;
        answer.AddRecords(response, query.Questions[0].Name, rotation);
        return DnsCodec.EncodeWithin(response, limit);
    }

    private static DnsMessage NewResponse(DnsMessage query, bool authoritative)
    {
        var response = query.CreateResponseInstance();
        response.IsAuthoritiveAnswer = authoritative;
        response.IsRecursionAllowed = true;
        if (response.IsEDnsEnabled)
        {
            response.EDnsOptions!.UdpPayloadSize = DnsCodec.AdvertisedUdpSize;
            response.EDnsOptions.Version = 0;
        }
        return response;
    }

    /// <summary>
    /// Cookies and other EDNS options differ per client (dig sends a fresh cookie per run): such
    /// queries are answered but not cached, or they would crowd out the ones that repeat.
    /// </summary>
    private static bool IsCacheable(DnsMessage query) =>
        query.TSigOptions is null && (!query.IsEDnsEnabled || query.EDnsOptions!.Options.Count == 0);

    private QueryOutcome Reject(DnsMessage query, ReturnCode code, bool keepQuestions)
    {
        counters.Rejected();
        var response = NewResponse(query, authoritative: false);
        if (!keepQuestions) response.Questions.Clear();
        response.ReturnCode = code;
        return new QueryOutcome(QueryAction.Reply, DnsCodec.Encode(response), null);
    }

    /// <summary>Unparseable: FORMERR when there is a query header to answer (RFC 1035 §4.1.1), else nothing.</summary>
    private QueryOutcome Malformed(ReadOnlySpan<byte> data)
    {
        if (data.Length < HeaderLength || (data[2] & QueryResponseBit) != 0)
        {
            counters.Dropped();
            return QueryOutcome.Drop;
        }
        counters.Rejected();
        var response = new DnsMessage
        {
            TransactionID = (ushort)(data[0] << 8 | data[1]),
            IsQuery = false,
            ReturnCode = ReturnCode.FormatError,
            IsRecursionAllowed = true,
        };
        return new QueryOutcome(QueryAction.Reply, DnsCodec.Encode(response), null);
    }
}
