using CsCheck;
using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.Messages;
using Topo.Linux.Netlink.Transport;

namespace Topo.Linux.Tests.Netlink;

/// <summary>
/// Fuzzing the netlink decoder from structure (issue 12, item 7): messages are generated as trees
/// of attributes (types the decoders know, nests, values of right and wrong sizes) inside link,
/// address, route, error and done messages, then optionally damaged (truncated, a length field
/// overwritten). Shrinking a failure gives a small tree, not a blob of bytes.
/// </summary>
public sealed class NetlinkFuzzTests(ITestOutputHelper output)
{
    internal sealed record Attr(ushort Type, bool Nested, byte[] Value, Attr[] Children);

    internal sealed record Damage(int Kind, int At, ushort Value); // 0 none, 1 truncate, 2 overwrite a u16

    internal sealed record Message(ushort Type, byte[] Fixed, Attr[] Attrs, Damage Damage);

    // Types the decoders switch on, with the odd unknown one.
    private static readonly Gen<ushort> AttrType = Gen.OneOf(Gen.Int[0, 40].Select(i => (ushort)i), Gen.UShort);

    private static readonly Gen<byte[]> Value = Gen.OneOf(
        Gen.Byte.Array[0, 3], Gen.Byte.Array[4], Gen.Byte.Array[6], Gen.Byte.Array[8],
        Gen.String[Gen.Char.AlphaNumeric, 0, 16].Select(s => System.Text.Encoding.UTF8.GetBytes(s + "\0")),
        Gen.Byte.Array[0, 64]);

    private static Gen<Attr> AttrGen(int depth) => depth == 0
        ? Gen.Select(AttrType, Value, (t, v) => new Attr(t, false, v, []))
        : Gen.Frequency(
            (3, Gen.Select(AttrType, Value, (t, v) => new Attr(t, false, v, []))),
            (1, Gen.Select(AttrType, AttrGen(depth - 1).Array[0, 4], (t, c) => new Attr(t, true, [], c))));

    private static readonly Gen<ushort> MessageType = Gen.OneOf(
        Gen.Const(RtmType.NewLink), Gen.Const(RtmType.NewAddress), Gen.Const(RtmType.NewRoute),
        Gen.Const(NetlinkMessageType.Error), Gen.Const(NetlinkMessageType.Done), Gen.UShort);

    private static readonly Gen<Damage> DamageGen = Gen.Frequency(
        (3, Gen.Const(new Damage(0, 0, 0))),
        (1, Gen.Select(Gen.Int[0, 400], Gen.UShort, (at, v) => new Damage(1, at, v))),
        (1, Gen.Select(Gen.Int[0, 400], Gen.UShort, (at, v) => new Damage(2, at, v))));

    internal static readonly Gen<Message> MessageGen = Gen.Select(MessageType, Gen.Byte.Array[0, 20], AttrGen(3).Array[0, 8], DamageGen,
        (type, header, attrs, damage) => new Message(type, header, attrs, damage));

    internal static byte[] Encode(Attr a)
    {
        var value = a.Nested ? [.. a.Children.SelectMany(Encode)] : a.Value;
        var length = NetlinkProtocol.AttributeHeaderSize + value.Length;
        var bytes = new byte[NetlinkProtocol.Align(length)];
        HostOrder.WriteUInt16(bytes, (ushort)Math.Min(length, ushort.MaxValue));
        HostOrder.WriteUInt16(bytes.AsSpan(2), (ushort)(a.Type | (a.Nested ? NetlinkProtocol.AttributeNested : 0)));
        value.CopyTo(bytes, NetlinkProtocol.AttributeHeaderSize);
        return bytes;
    }

    internal static byte[] Encode(Message m)
    {
        var body = m.Fixed.Concat(new byte[NetlinkProtocol.Align(m.Fixed.Length) - m.Fixed.Length]).Concat(m.Attrs.SelectMany(Encode)).ToArray();
        var bytes = ReplyCheckTests.Message(m.Type, NetlinkFlags.Multi | NetlinkFlags.AckTlvs, 1, body);
        switch (m.Damage.Kind)
        {
            case 1: return bytes[..Math.Min(m.Damage.At, bytes.Length)];
            case 2 when m.Damage.At + 2 <= bytes.Length:
                HostOrder.WriteUInt16(bytes.AsSpan(m.Damage.At), m.Damage.Value);
                break;
        }
        return bytes;
    }

    /// <summary>Whatever the bytes: a decoded value or NetlinkParseException, never another exception, never a hang.</summary>
    internal static void DecodeAll(byte[] datagram)
    {
        try
        {
            var reader = new NetlinkMessageReader(datagram);
            while (reader.MoveNext())
            {
                var payload = reader.Payload;
                try { LinkMessage.DecodeBody(payload); } catch (NetlinkParseException) { }
                try { AddressMessage.Decode(payload); } catch (NetlinkParseException) { }
                try { RouteMessage.Decode(payload); } catch (NetlinkParseException) { }
                try { ReplyCheck.Check(payload, reader.Header, "fuzz", datagram); } catch (NetlinkParseException) { }
                try { Topo.Linux.Monitoring.NotificationDecoder.DecodeRoute(reader.Header.Type, payload, "fuzz"); } catch (NetlinkParseException) { }
            }
        }
        catch (NetlinkParseException)
        {
        }
    }

    [Fact]
    public void Generated_messages_decode_or_raise_parse_errors_only()
    {
        FuzzBudget.Run(output, "netlink decoder", 15_000, n =>
            MessageGen.Sample(m => DecodeAll(Encode(m)), iter: n));
    }

    /// <summary>
    /// Any extended-ACK attributes after a real errno, well formed or not, with or without a copy of
    /// the request, give back exactly that errno (mdlayher's checkMessage: a malformed ack keeps it).
    /// </summary>
    [Fact]
    public void An_error_keeps_its_errno_whatever_the_ack_attributes()
    {
        var request = ReplyCheckTests.Request();
        FuzzBudget.Run(output, "netlink error acks", 30_000, n =>
            Gen.Select(Gen.Int[1, 4095], Gen.Bool, AttrGen(2).Array[0, 5], DamageGen, Gen.Bool).Sample((errno, capped, tlvs, damage, done) =>
            {
                var encoded = tlvs.Select(Encode).ToArray();
                var reply = done
                    ? ReplyCheckTests.Message(NetlinkMessageType.Done, NetlinkFlags.Multi | NetlinkFlags.AckTlvs, 77,
                        [.. ReplyCheckTests.U32(unchecked((uint)-errno)), .. encoded.SelectMany(b => b)])
                    : ReplyCheckTests.ErrorFor(request, errno, capped, encoded.Length == 0 ? [ReplyCheckTests.Attr(1, "x\0"u8.ToArray())] : encoded);
                // Damage only the attributes, never the nlmsghdr or the errno: the errno is what must survive.
                var first = NetlinkProtocol.HeaderSize + 4;
                if (damage.Kind == 2 && first + damage.At + 2 <= reply.Length)
                    HostOrder.WriteUInt16(reply.AsSpan(first + damage.At), damage.Value);
                var e = ReplyCheckTests.Check(reply, request);
                Assert.NotNull(e);
                Assert.Equal(errno, e.Errno);
            }, iter: n));
    }
}
