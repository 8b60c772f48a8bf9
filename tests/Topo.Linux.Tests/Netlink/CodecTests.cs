using Topo.Core.Addressing;
using Topo.Core.Model;
using Topo.Linux.Netlink;
using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.LinkKinds;
using Topo.Linux.Netlink.Messages;

namespace Topo.Linux.Tests.Netlink;

/// <summary>
/// Decode → re-encode → byte-equal on captured iproute2 requests; kernel replies keep every attribute
/// through decode → re-encode → decode; our builders produce iproute2's bytes.
/// </summary>
public sealed class CodecTests
{
    private const NetlinkFlags Create = NetlinkFlags.Request | NetlinkFlags.Ack | NetlinkFlags.Create | NetlinkFlags.Excl;
    private const NetlinkFlags Change = NetlinkFlags.Request | NetlinkFlags.Ack;

    public static TheoryData<string, string> LinkFixtures => new()
    {
        { nameof(Fixtures.AddBridge), Fixtures.AddBridge },
        { nameof(Fixtures.AddVeth), Fixtures.AddVeth },
        { nameof(Fixtures.SetMtu), Fixtures.SetMtu },
        { nameof(Fixtures.SetAlias), Fixtures.SetAlias },
        { nameof(Fixtures.SetMaster), Fixtures.SetMaster },
        { nameof(Fixtures.SetBridgePort), Fixtures.SetBridgePort },
        { nameof(Fixtures.SetUp), Fixtures.SetUp },
        { nameof(Fixtures.AddMacvlan), Fixtures.AddMacvlan },
        { nameof(Fixtures.AddVlan), Fixtures.AddVlan },
        { nameof(Fixtures.DeleteLink), Fixtures.DeleteLink },
    };

    [Theory]
    [MemberData(nameof(LinkFixtures))]
    public void Link_messages_round_trip_byte_for_byte(string name, string hex)
    {
        var bytes = Fixtures.Bytes(hex);
        var reader = new NetlinkMessageReader(bytes);
        Assert.True(reader.MoveNext(), name);
        var header = reader.Header;
        var message = LinkMessage.DecodeBody(reader.Payload);

        var buffer = new MessageBuffer();
        var writer = new NetlinkWriter(buffer);
        writer.BeginMessage(header.Type, header.Flags, header.Sequence, header.PortId);
        message.EncodeBody(ref writer);
        writer.EndMessage();

        Assert.Equal(Convert.ToHexStringLower(bytes), Convert.ToHexStringLower(buffer.Written));
    }

    [Fact]
    public void Kernel_bridge_reply_keeps_every_attribute_through_re_encoding() =>
        AssertKeepsEveryAttribute(Fixtures.Bytes(Fixtures.KernelBridge));

    /// <summary>
    /// A kernel reply re-encodes in iproute2's order, not the kernel's, so the bytes differ; what
    /// must not differ is what it says: every typed field, every attribute topo does not model.
    /// </summary>
    internal static void AssertKeepsEveryAttribute(byte[] reply)
    {
        var reader = new NetlinkMessageReader(reply);
        Assert.True(reader.MoveNext());
        var first = LinkMessage.DecodeBody(reader.Payload);
        var again = LinkMessage.DecodeBody(EncodeBody(first));
        Assert.Equal((first.Index, first.Flags, first.Name, first.Mtu, first.Alias, first.Master, first.Link, first.Kind, first.SlaveKind),
            (again.Index, again.Flags, again.Name, again.Mtu, again.Alias, again.Master, again.Link, again.Kind, again.SlaveKind));
        Assert.Equal(first.Address, again.Address);
        Assert.Equal(first.Unknown, again.Unknown);
        Assert.Equal(first.UnknownLinkInfo, again.UnknownLinkInfo);
        Assert.Equal(Convert.ToHexStringLower(EncodeKindData(first)), Convert.ToHexStringLower(EncodeKindData(again)));
        Assert.NotEmpty(first.Unknown);
    }

    private static byte[] EncodeKindData(LinkMessage m)
    {
        var buffer = new MessageBuffer();
        var writer = new NetlinkWriter(buffer);
        m.KindData?.Encode(ref writer);
        return buffer.Written.ToArray();
    }

    [Fact]
    public void Kernel_bridge_reply_decodes_typed_fields_and_keeps_the_rest()
    {
        var reader = new NetlinkMessageReader(Fixtures.Bytes(Fixtures.KernelBridge));
        Assert.True(reader.MoveNext());
        Assert.Equal(RtmType.NewLink, reader.Header.Type);
        var link = LinkMessage.DecodeBody(reader.Payload);
        Assert.Equal("br0", link.Name);
        Assert.Equal("topo:demo:network:front", link.Alias);
        Assert.Equal(BridgeDriver.KindName, link.Kind);
        Assert.IsType<BridgeData>(link.KindData);
        Assert.Equal(1500u, link.Mtu);
        Assert.Equal(6, link.Address!.Length);
        Assert.NotEmpty(link.Unknown); // stats, qdisc, af_spec... kept as (type, bytes)
        Assert.NotEmpty(((BridgeData)link.KindData!).Attributes);
    }

    [Fact]
    public void Port_settings_are_decoded_by_the_masters_kind_and_unknown_kinds_stay_raw()
    {
        // A bond port: IFLA_BOND_SLAVE_STATE (1) and IFLA_BOND_SLAVE_MII_STATUS (2). Type 2 is also
        // IFLA_BRPORT_PRIORITY, so reading this as bridge port settings would misread it.
        var bondPort = new LinkMessage
        {
            Index = 5,
            SlaveData = new OpaqueSlaveData("bond", [new RawAttribute(1, [0]), new RawAttribute(2, [1])]),
        };
        var bytes = EncodeBody(bondPort);
        var decoded = LinkMessage.DecodeBody(bytes);
        var raw = Assert.IsType<OpaqueSlaveData>(decoded.SlaveData);
        Assert.Equal("bond", decoded.SlaveKind);
        Assert.Equal(2, raw.Attributes.Count);
        Assert.Equal(Convert.ToHexStringLower(bytes), Convert.ToHexStringLower(EncodeBody(decoded)));

        var bridgePort = new LinkMessage { Index = 6, SlaveData = BridgePortInfo.Create(isolated: true, hairpin: null) };
        var port = Assert.IsType<BridgePortInfo>(LinkMessage.DecodeObserved(EncodeBody(bridgePort)).SlaveData);
        Assert.True(port.Isolated);
    }

    private static byte[] EncodeBody(LinkMessage m)
    {
        var buffer = new MessageBuffer();
        var writer = new NetlinkWriter(buffer);
        m.EncodeBody(ref writer);
        return buffer.Written.ToArray();
    }

    [Fact]
    public void Address_and_route_round_trip()
    {
        foreach (var hex in new[] { Fixtures.AddAddress, Fixtures.AddRoute })
        {
            var bytes = Fixtures.Bytes(hex);
            var reader = new NetlinkMessageReader(bytes);
            Assert.True(reader.MoveNext());
            var buffer = new MessageBuffer();
            var writer = new NetlinkWriter(buffer);
            if (reader.Header.Type == RtmType.NewAddress)
                AddressMessage.Decode(reader.Payload).Encode(ref writer, reader.Header.Type, reader.Header.Flags, reader.Header.Sequence);
            else
                RouteMessage.Decode(reader.Payload).Encode(ref writer, reader.Header.Type, reader.Header.Flags, reader.Header.Sequence);
            Assert.Equal(Convert.ToHexStringLower(bytes), Convert.ToHexStringLower(buffer.Written));
        }
    }

    private static string Encode(LinkMessage m, ushort type, NetlinkFlags flags)
    {
        var buffer = new MessageBuffer();
        var writer = new NetlinkWriter(buffer);
        m.Encode(ref writer, type, flags, Fixtures.IpSequence);
        return Convert.ToHexStringLower(buffer.Written);
    }

    [Fact]
    public void Our_bridge_request_equals_iproute2s() =>
        Assert.Equal(Fixtures.AddBridge, Encode(BridgeDriver.Request("br0", default), RtmType.NewLink, Create));

    [Fact]
    public void Our_veth_request_equals_iproute2s() =>
        Assert.Equal(Fixtures.AddVeth, Encode(VethDriver.Request("vethA", default, "vethB", default), RtmType.NewLink, Create));

    [Fact]
    public void Our_macvlan_request_equals_iproute2s() =>
        Assert.Equal(Fixtures.AddMacvlan, Encode(
            MacvlanDriver.Request("mv0", MacvlanMode.Bridge, new LinkOptions(LowerIndex: 2)), RtmType.NewLink, Create));

    [Fact]
    public void Our_vlan_request_equals_iproute2s() =>
        Assert.Equal(Fixtures.AddVlan, Encode(
            VlanDriver.Request("br0.10", 10, new LinkOptions(LowerIndex: 2)), RtmType.NewLink, Create));

    [Fact]
    public void Vlan_data_encodes_id_as_u16_and_protocol_big_endian()
    {
        var buffer = new MessageBuffer();
        var writer = new NetlinkWriter(buffer);
        new VlanData(100, EtherType.Vlan8021Q).Encode(ref writer);
        // IFLA_VLAN_ID (6 bytes + 2 padding), IFLA_VLAN_PROTOCOL 0x8100 in network order
        Assert.Equal("0600010064000000060005008100" + "0000", Convert.ToHexStringLower(buffer.Written));
    }

    [Fact]
    public void Our_change_requests_equal_iproute2s()
    {
        Assert.Equal(Fixtures.SetMtu, Encode(new LinkMessage { Index = 2, Mtu = 1400 }, RtmType.NewLink, Change));
        Assert.Equal(Fixtures.SetAlias, Encode(new LinkMessage { Index = 2, Alias = "topo:demo:network:front" }, RtmType.NewLink, Change));
        Assert.Equal(Fixtures.SetMaster, Encode(new LinkMessage { Index = 4, Master = 2 }, RtmType.NewLink, Change));
        Assert.Equal(Fixtures.SetUp, Encode(new LinkMessage { Index = 2, Flags = InterfaceFlags.Up, Change = InterfaceFlags.Up }, RtmType.NewLink, Change));
        Assert.Equal(Fixtures.DeleteLink, Encode(new LinkMessage { Index = 4 }, RtmType.DelLink, Change));

        var port = new LinkMessage { Family = AddressFamily.Bridge, Index = 4, ProtInfo = BridgePortInfo.Create(isolated: true, hairpin: true) };
        var buffer = new MessageBuffer();
        var writer = new NetlinkWriter(buffer);
        port.Encode(ref writer, RtmType.SetLink, Change, Fixtures.IpSequence + 1); // `bridge` uses its own sequence
        Assert.Equal(Fixtures.SetBridgePort, Convert.ToHexStringLower(buffer.Written));
    }

    [Fact]
    public void Our_address_and_route_requests_equal_iproute2s()
    {
        var buffer = new MessageBuffer();
        var writer = new NetlinkWriter(buffer);
        AddressMessage.ForPrefix(2, Ipv4Prefix.Parse("10.1.0.1/24")).Encode(ref writer, RtmType.NewAddress, Create, Fixtures.IpSequence);
        Assert.Equal(Fixtures.AddAddress, Convert.ToHexStringLower(buffer.Written));

        buffer.Clear();
        writer = new NetlinkWriter(buffer);
        new RouteMessage
        {
            DestinationLength = 16,
            Destination = Ipv4Address.Parse("10.9.0.0"),
            Gateway = Ipv4Address.Parse("10.1.0.2"),
            OutputInterface = 2,
        }.Encode(ref writer, RtmType.NewRoute, Create, Fixtures.IpSequence);
        Assert.Equal(Fixtures.AddRoute, Convert.ToHexStringLower(buffer.Written));
    }

    [Fact]
    public void Writer_pads_attributes_and_backfills_nest_lengths()
    {
        var buffer = new MessageBuffer();
        var writer = new NetlinkWriter(buffer);
        var nest = writer.BeginNested(Ifla.LinkInfo);
        writer.WriteU8(1, 0xAB);
        writer.EndNested(nest);
        // nest: len 12, type 18; inner: len 5, type 1, value ab, 3 bytes padding
        Assert.Equal("0c0012000500010" + "0ab000000", Convert.ToHexStringLower(buffer.Written));
    }
}
