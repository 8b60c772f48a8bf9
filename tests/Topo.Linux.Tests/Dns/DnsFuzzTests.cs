using ARSoft.Tools.Net.Dns;
using CsCheck;
using Topo.Core.Dns;
using Topo.Linux.Dns;
using static Topo.Linux.Tests.Dns.DnsTestViews;

namespace Topo.Linux.Tests.Dns;

/// <summary>
/// Fuzzing the embedded DNS handler from structure (issue 12, item 7): queries are built as
/// messages (names from the zone's own, reverse names, odd labels; types; EDNS sizes; opcodes,
/// response bits, extra questions) and encoded, then a few bytes overwritten. Docker's resolver
/// once took its daemon down on one bad packet: the handler must answer, refuse or drop, never throw.
/// </summary>
public sealed class DnsFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] Names =
    [
        "api", "api.backend", "many", "db", "nope", "example.com", "10.in-addr.arpa", "5.0.17.172.in-addr.arpa",
        "x." + new string('a', 63), "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p", "_srv._tcp.api", "xn--caf-dma", "*",
    ];

    private static readonly RecordType[] Types =
        [RecordType.A, RecordType.Aaaa, RecordType.Ptr, RecordType.Any, RecordType.Txt, RecordType.Srv, RecordType.Mx, RecordType.Ns, RecordType.Soa, (RecordType)65535];

    private static Gen<T> Pick<T>(T[] from) => Gen.Int[0, from.Length - 1].Select(i => from[i]);

    internal sealed record Shape(string Name, RecordType Type, ushort Id, int? Edns, int Opcode, bool Response, int ExtraQuestions, int[] At, byte[] Bytes);

    private static readonly Gen<Shape> ShapeGen = Gen.Select(
        Gen.Select(Pick(Names), Pick(Types), Gen.UShort, Gen.Frequency((2, Gen.Const((int?)null)), (1, Gen.Int[0, 65535].Select(i => (int?)i)))),
        Gen.Frequency((6, Gen.Const(0)), (1, Gen.Int[0, 15])),
        Gen.Frequency((6, Gen.Const(false)), (1, Gen.Const(true))),
        Gen.Frequency((6, Gen.Const(0)), (1, Gen.Int[1, 2])),
        Gen.Frequency((3, Gen.Const(Array.Empty<int>())), (1, Gen.Int[0, 80].Array[1, 4])),
        Gen.Byte.Array[4],
        (q, opcode, response, extra, at, bytes) => new Shape(q.Item1, q.Item2, q.Item3, q.Item4, opcode, response, extra, at, bytes));

    internal static byte[] Encode(Shape s)
    {
        var query = Query(s.Name, s.Type, s.Id, s.Edns, q =>
        {
            q.OperationCode = (OperationCode)s.Opcode;
            q.IsQuery = !s.Response;
            for (var i = 0; i < s.ExtraQuestions; i++) q.Questions.Add(new DnsQuestion(q.Questions[0].Name, RecordType.A, RecordClass.INet));
        });
        for (var i = 0; i < s.At.Length; i++) if (s.At[i] < query.Length) query[s.At[i]] = s.Bytes[i];
        return query;
    }

    [Fact]
    public void Generated_queries_are_answered_refused_or_dropped_never_thrown()
    {
        var book = new ZoneCompiler([], []).BookOf(View("c", Backend(), Many(50)));
        var counters = new DnsCounters();
        FuzzBudget.Run(output, "dns handler", 10_000, n => ShapeGen.Sample(shape =>
        {
            var packet = Encode(shape);
            var outcome = new Responder(counters).Answer(packet, new byte[ushort.MaxValue], book, DnsTransport.Udp);
            if (outcome.Action == QueryAction.Reply && packet.Length >= 3) Assert.True((packet[2] & 0x80) == 0, "replied to a response");
            if (outcome.Reply is { } reply) Assert.NotNull(DnsCodec.TryParse(reply));
        }, iter: n));
    }
}
