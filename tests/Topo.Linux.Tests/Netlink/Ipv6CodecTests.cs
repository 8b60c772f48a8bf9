using Topo.Core.Addressing;
using Topo.Linux.Netlink;
using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.Messages;
using Topo.Linux.Tests.Netlink.Captures;

namespace Topo.Linux.Tests.Netlink;

/// <summary>
/// IPv6 addresses and routes against iproute2 and the kernel: captures made by
/// Captures/capture-ipv6.sh (`ip -6 addr add fd00:1::2/64 dev br6 nodad`,
/// `ip -6 route add default via fd00:1::1 dev br6`, `ip -6 route add fd00:9::/64 via fd00:1::1`,
/// and the kernel's answer to `ip -6 addr show dev br6`).
/// </summary>
public sealed class Ipv6CodecTests
{
    private const NetlinkFlags Create = NetlinkFlags.Request | NetlinkFlags.Ack | NetlinkFlags.Create | NetlinkFlags.Excl;
    private const int BridgeIndex = 2; // br6, the first link made in the capture's namespace

    private static byte[] AddAddress => StraceCapture.Buffers("ipv6-addr-add.strace").Single();
    private static byte[] AddDefaultRoute => StraceCapture.Buffers("ipv6-route-default.strace").Single();
    private static byte[] AddPrefixRoute => StraceCapture.Buffers("ipv6-route-prefix.strace").Single();

    /// <summary>The kernel's dump of br6's IPv6 addresses (the capture also holds iproute2's link lookups).</summary>
    private static byte[] AddressDump => StraceCapture.Buffers("ipv6-addr-show.strace")
        .Single(b => HostOrder.ReadUInt16(b.AsSpan(4)) == RtmType.NewAddress);

    [Fact]
    public void Address_request_from_the_model_is_iproute2s_nodad_byte_for_byte()
    {
        var request = AddressMessage.ForPrefix(BridgeIndex, Ipv6Prefix.Parse("fd00:1::2/64"));
        Assert.Equal(Hex(AddAddress), Encode(request, RtmType.NewAddress, AddAddress));
    }

    [Fact]
    public void Prefix_route_request_is_iproute2s_byte_for_byte()
    {
        var request = new RouteMessage
        {
            Family = AddressFamily.Inet6,
            DestinationLength = 64,
            Destination = Ipv6Address.Parse("fd00:9::"),
            Gateway = Ipv6Address.Parse("fd00:1::1"),
        };
        Assert.Equal(Hex(AddPrefixRoute), Encode(request, RtmType.NewRoute, AddPrefixRoute));
    }

    [Fact]
    public void Default_route_request_decodes_to_its_gateway_and_device()
    {
        var route = DecodeRoute(AddDefaultRoute);
        Assert.True(route.IsIpv6);
        Assert.Equal(Ipv6Prefix.Parse("::/0"), route.DestinationPrefix);
        Assert.Equal(Ipv6Address.Parse("fd00:1::1"), route.Gateway);
        Assert.Equal(BridgeIndex, route.OutputInterface);
        Assert.Empty(route.Unknown);
    }

    [Theory]
    [InlineData("ipv6-addr-add.strace")]
    [InlineData("ipv6-route-default.strace")]
    [InlineData("ipv6-route-prefix.strace")]
    public void Captured_requests_round_trip_byte_for_byte(string capture)
    {
        var bytes = StraceCapture.Buffers(capture).Single();
        var reader = new NetlinkMessageReader(bytes);
        Assert.True(reader.MoveNext());
        var buffer = new MessageBuffer();
        var writer = new NetlinkWriter(buffer);
        if (reader.Header.Type == RtmType.NewAddress)
            AddressMessage.Decode(reader.Payload).Encode(ref writer, reader.Header.Type, reader.Header.Flags, reader.Header.Sequence);
        else
            RouteMessage.Decode(reader.Payload).Encode(ref writer, reader.Header.Type, reader.Header.Flags, reader.Header.Sequence);
        Assert.Equal(Hex(bytes), Hex(buffer.Written));
    }

    [Fact]
    public void Kernel_dump_gives_topos_address_and_marks_the_link_local_one_as_the_kernels()
    {
        var reader = new NetlinkMessageReader(AddressDump);
        var addresses = new List<AddressMessage>();
        while (reader.MoveNext())
            if (reader.Header.Type == RtmType.NewAddress) addresses.Add(AddressMessage.Decode(reader.Payload));
        Assert.Equal(2, addresses.Count);

        var ours = addresses[0];
        Assert.Equal(Ipv6Prefix.Parse("fd00:1::2/64"), ours.Prefix);
        Assert.Null(ours.Local); // a dump sends IFA_ADDRESS alone
        Assert.Equal(AddressFlags.NoDad | AddressFlags.Permanent, ours.AllFlags);
        Assert.False(ours.IsKernelMade);

        var linkLocal = addresses[1];
        Assert.True(linkLocal.Prefix!.Value.V6.Address.IsLinkLocal);
        Assert.Equal(AddressProtocol.KernelLinkLocal, linkLocal.Protocol);
        Assert.True(linkLocal.AllFlags.HasFlag(AddressFlags.Tentative));
        Assert.True(linkLocal.IsKernelMade);
        // Older kernels send no IFA_PROTO: the address itself says it is the kernel's.
        linkLocal.Protocol = null;
        Assert.True(linkLocal.IsKernelMade);
    }

    [Fact]
    public void The_observers_decoding_skips_the_kernels_addresses_and_keeps_topos()
    {
        var reader = new NetlinkMessageReader(AddressDump);
        var kept = new List<AddressMessage?>();
        while (reader.MoveNext())
            if (reader.Header.Type == RtmType.NewAddress) kept.Add(AddressMessage.DecodeModelled(reader.Payload));
        Assert.Equal(Ipv6Prefix.Parse("fd00:1::2/64"), Assert.Single(kept.OfType<AddressMessage>()).Prefix);
        Assert.Null(kept[1]); // fe80::, IFA_PROTO kernel_ll

        // Without IFA_PROTO (kernels before 6.1) the address itself says it is the kernel's.
        Assert.Null(AddressMessage.DecodeModelled(Body(new AddressMessage { Family = AddressFamily.Inet6, PrefixLength = 64, Address = Ipv6Address.Parse("fe80::1") })));
        Assert.Null(AddressMessage.DecodeModelled(Body(new AddressMessage { Family = AddressFamily.Inet6, PrefixLength = 128, Address = Ipv6Address.Parse("::1") })));
        Assert.NotNull(AddressMessage.DecodeModelled(Body(new AddressMessage { Family = AddressFamily.Inet, PrefixLength = 8, Local = Ipv4Address.Parse("127.0.0.1"), Address = Ipv4Address.Parse("127.0.0.1") })));
        // A malformed message is still Decode's to report, not skipped.
        Assert.Throws<NetlinkParseException>(() => AddressMessage.DecodeModelled([10, 64, 0, 0, 2, 0, 0, 0, 8, 0, 1, 0]));
    }

    [Theory]
    [InlineData((byte)RouteProtocol.Kernel, (byte)RouteType.Unicast, false)] // fe80::/64, an address's prefix route
    [InlineData((byte)RouteProtocol.Kernel, (byte)RouteType.Multicast, false)] // ff00::/8
    [InlineData((byte)RouteProtocol.Boot, (byte)RouteType.Unreachable, false)]
    [InlineData((byte)RouteProtocol.Boot, (byte)RouteType.Unicast, true)] // topo's
    [InlineData((byte)RouteProtocol.Ra, (byte)RouteType.Unicast, true)] // a router's: read, and foreign
    public void The_observers_decoding_keeps_unicast_routes_not_made_by_the_kernel(byte protocolByte, byte typeByte, bool kept)
    {
        var (protocol, type) = ((RouteProtocol)protocolByte, (RouteType)typeByte);
        var route = new RouteMessage
        {
            Family = AddressFamily.Inet6,
            DestinationLength = 64,
            Destination = Ipv6Address.Parse("fe80::"),
            OutputInterface = BridgeIndex,
            Protocol = protocol,
            Type = type,
        };
        var decoded = RouteMessage.DecodeModelled(Body(route));
        Assert.Equal(kept, decoded is not null);
        if (decoded is not null) Assert.Equal((protocol, type, route.DestinationPrefix), (decoded.Protocol, decoded.Type, decoded.DestinationPrefix));
    }

    [Fact]
    public void Kernel_dump_keeps_every_attribute_through_re_encoding()
    {
        var reader = new NetlinkMessageReader(AddressDump);
        while (reader.MoveNext())
        {
            if (reader.Header.Type != RtmType.NewAddress) continue;
            var first = AddressMessage.Decode(reader.Payload);
            var buffer = new MessageBuffer();
            var writer = new NetlinkWriter(buffer);
            first.Encode(ref writer, reader.Header.Type, reader.Header.Flags, reader.Header.Sequence);
            var again = new NetlinkMessageReader(buffer.Written.ToArray());
            Assert.True(again.MoveNext());
            var second = AddressMessage.Decode(again.Payload);
            Assert.Equal((first.Family, first.Prefix, first.Flags, first.Scope, first.Index, first.ExtendedFlags, first.Protocol),
                (second.Family, second.Prefix, second.Flags, second.Scope, second.Index, second.ExtendedFlags, second.Protocol));
            Assert.Equal(first.Unknown, second.Unknown); // IFA_CACHEINFO
            Assert.NotEmpty(first.Unknown);
        }
    }

    private static RouteMessage DecodeRoute(byte[] bytes)
    {
        var reader = new NetlinkMessageReader(bytes);
        Assert.True(reader.MoveNext());
        return RouteMessage.Decode(reader.Payload);
    }

    private static string Encode(AddressMessage request, ushort type, byte[] captured)
    {
        var buffer = new MessageBuffer();
        var writer = new NetlinkWriter(buffer);
        request.Encode(ref writer, type, Create, HostOrder.ReadUInt32(captured.AsSpan(8)));
        return Hex(buffer.Written);
    }

    private static string Encode(RouteMessage request, ushort type, byte[] captured)
    {
        var buffer = new MessageBuffer();
        var writer = new NetlinkWriter(buffer);
        request.Encode(ref writer, type, Create, HostOrder.ReadUInt32(captured.AsSpan(8)));
        return Hex(buffer.Written);
    }

    private static byte[] Body(AddressMessage m)
    {
        var buffer = new MessageBuffer();
        var writer = new NetlinkWriter(buffer);
        m.Encode(ref writer, RtmType.NewAddress, NetlinkFlags.Multi, 1);
        return buffer.Written[NetlinkProtocol.HeaderSize..].ToArray();
    }

    private static byte[] Body(RouteMessage m)
    {
        var buffer = new MessageBuffer();
        var writer = new NetlinkWriter(buffer);
        m.Encode(ref writer, RtmType.NewRoute, NetlinkFlags.Multi, 1);
        return buffer.Written[NetlinkProtocol.HeaderSize..].ToArray();
    }

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
}
