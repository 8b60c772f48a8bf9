using System.Text;
using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.Messages;
using Topo.Linux.Netlink.Transport;

namespace Topo.Linux.Tests.Netlink;

/// <summary>
/// NLMSG_ERROR and NLMSG_DONE, byte by byte, as mdlayher/netlink's checkMessage reads them.
/// Messages are built here by hand (layouts from include/uapi/linux/netlink.h) so each case holds
/// exactly the bytes it is about.
/// </summary>
public sealed class ReplyCheckTests
{
    private const int Einval = 22;

    // RTM_NEWLINK: nlmsghdr(16) ifinfomsg(16) IFLA_IFNAME "big" @32, IFLA_MTU @40,
    // IFLA_LINKINFO @48 { IFLA_INFO_KIND "bridge" @52, IFLA_INFO_DATA @64 { attribute 5 @68 } }.
    internal static byte[] Request()
    {
        var body = new List<byte>(new byte[16]); // ifinfomsg
        body.AddRange(Attr(Ifla.IfName, "big\0"u8.ToArray()));
        body.AddRange(Attr(Ifla.Mtu, U32(1_000_000)));
        var info = new List<byte>(Attr(IflaInfo.Kind, "bridge\0"u8.ToArray()));
        info.AddRange(Attr((ushort)(IflaInfo.Data | NetlinkProtocol.AttributeNested), Attr(5, U32(7))));
        body.AddRange(Attr((ushort)(Ifla.LinkInfo | NetlinkProtocol.AttributeNested), [.. info]));
        return Message(RtmType.NewLink, NetlinkFlags.Request | NetlinkFlags.Ack | NetlinkFlags.Create, 77, [.. body]);
    }

    internal static byte[] Attr(ushort type, byte[] value)
    {
        var length = NetlinkProtocol.AttributeHeaderSize + value.Length;
        var bytes = new byte[NetlinkProtocol.Align(length)];
        HostOrder.WriteUInt16(bytes, (ushort)length);
        HostOrder.WriteUInt16(bytes.AsSpan(2), type);
        value.CopyTo(bytes, NetlinkProtocol.AttributeHeaderSize);
        return bytes;
    }

    internal static byte[] U32(uint value)
    {
        var bytes = new byte[4];
        HostOrder.WriteUInt32(bytes, value);
        return bytes;
    }

    internal static byte[] Message(ushort type, NetlinkFlags flags, uint sequence, byte[] payload)
    {
        var bytes = new byte[NetlinkProtocol.HeaderSize + payload.Length];
        HostOrder.WriteUInt32(bytes, (uint)bytes.Length);
        HostOrder.WriteUInt16(bytes.AsSpan(4), type);
        HostOrder.WriteUInt16(bytes.AsSpan(6), (ushort)flags);
        HostOrder.WriteUInt32(bytes.AsSpan(8), sequence);
        payload.CopyTo(bytes, NetlinkProtocol.HeaderSize);
        return bytes;
    }

    /// <summary>An NLMSG_ERROR for <paramref name="request"/>: errno, the request (capped: its header only), then <paramref name="tlvs"/>.</summary>
    internal static byte[] ErrorFor(byte[] request, int errno, bool capped, params byte[][] tlvs)
    {
        var payload = new List<byte>(U32(unchecked((uint)-errno)));
        payload.AddRange(capped ? request[..NetlinkProtocol.HeaderSize] : request);
        foreach (var t in tlvs) payload.AddRange(t);
        var flags = (capped ? NetlinkFlags.Capped : NetlinkFlags.None) | (tlvs.Length > 0 ? NetlinkFlags.AckTlvs : NetlinkFlags.None);
        return Message(NetlinkMessageType.Error, flags, 77, [.. payload]);
    }

    internal static NetlinkException? Check(byte[] reply, byte[] request)
    {
        var reader = new NetlinkMessageReader(reply);
        Assert.True(reader.MoveNext());
        return ReplyCheck.Check(reader.Payload, reader.Header, "create big", request);
    }

    private static byte[] Text(ushort type, string s) => Attr(type, Encoding.UTF8.GetBytes(s + "\0"));

    [Fact]
    public void A_plain_ack_is_no_error()
    {
        Assert.Null(Check(ErrorFor(Request(), 0, capped: true), Request()));
    }

    [Fact]
    public void The_offset_names_the_top_level_attribute_of_our_request()
    {
        var request = Request();
        var e = Check(ErrorFor(request, Einval, capped: true,
            Text(NetlinkErrorAttribute.Message, "mtu greater than device maximum"), Attr(NetlinkErrorAttribute.Offset, U32(40))), request)!;
        Assert.Equal(Einval, e.Errno);
        Assert.Equal("mtu greater than device maximum", e.KernelMessage);
        Assert.Equal("IFLA_MTU (byte 40 of the request)", e.Attribute);
        Assert.Contains("[kernel points at IFLA_MTU (byte 40 of the request)]", e.Message);
        Assert.Equal(77u, e.Sequence);
    }

    [Fact]
    public void The_offset_names_a_nested_attribute_by_its_path()
    {
        var request = Request();
        var e = Check(ErrorFor(request, Einval, capped: true, Attr(NetlinkErrorAttribute.Offset, U32(68))), request)!;
        Assert.Equal("IFLA_LINKINFO > IFLA_INFO_DATA > attribute 5 (byte 68 of the request)", e.Attribute);
        Assert.Null(e.KernelMessage);
    }

    [Fact]
    public void Without_a_copy_of_the_request_the_echoed_one_is_used()
    {
        // Not capped: the kernel sent the whole request back, and the TLVs follow it.
        var request = Request();
        var e = Check(ErrorFor(request, Einval, capped: false,
            Text(NetlinkErrorAttribute.Message, "bad kind"), Attr(NetlinkErrorAttribute.Offset, U32(52))), [])!;
        Assert.Equal("bad kind", e.KernelMessage);
        Assert.Equal("IFLA_LINKINFO > IFLA_INFO_KIND (byte 52 of the request)", e.Attribute);
    }

    [Theory]
    [InlineData(0u, "the fixed header of the request (byte 0)")]
    [InlineData(44u, "byte 44 of the request (not the start of an attribute)")]
    [InlineData(4000u, "byte 4000 of the request, which is only 76 bytes long")]
    public void An_offset_that_is_not_an_attribute_is_described_plainly(uint offset, string expected)
    {
        var request = Request();
        var e = Check(ErrorFor(request, Einval, capped: true, Attr(NetlinkErrorAttribute.Offset, U32(offset))), request)!;
        Assert.Equal(expected, e.Attribute);
    }

    [Fact]
    public void An_errno_in_done_fails_the_dump()
    {
        var done = Message(NetlinkMessageType.Done, NetlinkFlags.Multi, 77, U32(unchecked((uint)-Einval)));
        var e = Check(done, Request());
        Assert.NotNull(e);
        Assert.Equal(Einval, e.Errno);
    }

    [Fact]
    public void Done_may_carry_the_extended_ack_message_right_after_its_errno()
    {
        var payload = U32(unchecked((uint)-Einval)).Concat(Text(NetlinkErrorAttribute.Message, "Invalid values in header for link dump request")).ToArray();
        var done = Message(NetlinkMessageType.Done, NetlinkFlags.Multi | NetlinkFlags.AckTlvs, 77, payload);
        var e = Check(done, Request())!;
        Assert.Equal("Invalid values in header for link dump request", e.KernelMessage);
    }

    [Fact]
    public void A_clean_done_is_no_error_with_or_without_its_errno_field()
    {
        Assert.Null(Check(Message(NetlinkMessageType.Done, NetlinkFlags.Multi, 77, U32(0)), Request()));
        Assert.Null(Check(Message(NetlinkMessageType.Done, NetlinkFlags.Multi, 77, []), Request()));
    }

    [Fact]
    public void Malformed_ack_attributes_keep_the_errno_and_what_was_read_before_them()
    {
        var request = Request();
        var overrun = new byte[] { 200, 0, 1, 0, (byte)'x', 0, 0, 0 }; // claims 200 bytes, has 8
        var e = Check(ErrorFor(request, Einval, capped: true, Text(NetlinkErrorAttribute.Message, "first"), overrun), request)!;
        Assert.Equal(Einval, e.Errno);
        Assert.Equal("first", e.KernelMessage);

        var shortOffset = Attr(NetlinkErrorAttribute.Offset, [1, 2]); // a u32 of 2 bytes
        e = Check(ErrorFor(request, Einval, capped: true, shortOffset), request)!;
        Assert.Equal(Einval, e.Errno);
        Assert.Null(e.Attribute);

        var badUtf8 = Attr(NetlinkErrorAttribute.Message, [0xff, 0xfe, 0]);
        e = Check(ErrorFor(request, Einval, capped: true, badUtf8), request)!;
        Assert.Equal(Einval, e.Errno);
    }

    [Fact]
    public void An_error_that_claims_an_echoed_request_longer_than_itself_keeps_the_errno()
    {
        var request = Request();
        var reply = ErrorFor(request, Einval, capped: false, Text(NetlinkErrorAttribute.Message, "x"));
        HostOrder.WriteUInt32(reply.AsSpan(NetlinkProtocol.HeaderSize + 4), 60_000); // the echoed header's length
        var e = Check(reply, request)!;
        Assert.Equal(Einval, e.Errno);
        Assert.Null(e.KernelMessage);

        var bare = Message(NetlinkMessageType.Error, NetlinkFlags.AckTlvs, 77, U32(unchecked((uint)-Einval)));
        Assert.Equal(Einval, Check(bare, request)!.Errno);
    }

    [Fact]
    public void An_error_too_short_for_its_errno_is_malformed()
    {
        var reply = Message(NetlinkMessageType.Error, NetlinkFlags.None, 77, [1, 2]);
        Assert.Throws<NetlinkParseException>(() => Check(reply, Request()));
    }
}
