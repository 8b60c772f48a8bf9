using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.LinkKinds;

namespace Topo.Linux.Netlink.Messages;

/// <summary>
/// An RTM_NEWLINK / RTM_SETLINK / RTM_DELLINK body: struct ifinfomsg and the IFLA_* attributes.
/// Kind-specific data is the driver's (<see cref="LinkKindData"/>); unknown attributes are kept.
/// Encoding writes the known attributes in iproute2's order and the unknown ones after them, so a
/// request topo builds is byte for byte iproute2's; a kernel reply re-encodes to the same attributes,
/// not to the same order (nothing in topo re-sends what it read).
/// </summary>
internal sealed class LinkMessage
{
    public byte Family { get; set; }
    public ushort DeviceType { get; set; }
    public int Index { get; set; }
    public InterfaceFlags Flags { get; set; }
    public InterfaceFlags Change { get; set; }

    public string? Name { get; set; }
    public uint? Mtu { get; set; }
    public byte[]? Address { get; set; }
    public int? Master { get; set; }
    /// <summary>IFLA_LINK: the lower device (macvlan, vlan) or the veth peer's index.</summary>
    public int? Link { get; set; }
    /// <summary>IFLA_LINK_NETNSID: the namespace id (as this namespace knows it) of the IFLA_LINK device.</summary>
    public int? LinkNetNsId { get; set; }
    public string? Alias { get; set; }
    /// <summary>IFLA_NET_NS_FD: create or move the link into the namespace of this fd.</summary>
    public int? NetNsFd { get; set; }
    /// <summary>IFLA_PROTINFO (nested, AF_BRIDGE): bridge port settings.</summary>
    public BridgePortInfo? ProtInfo { get; set; }

    /// <summary>IFLA_LINKINFO / IFLA_INFO_KIND + IFLA_INFO_DATA.</summary>
    public LinkKindData? KindData { get; set; }
    /// <summary>IFLA_LINKINFO / IFLA_INFO_SLAVE_KIND + IFLA_INFO_SLAVE_DATA: a port's settings, as its master's kind has them.</summary>
    public SlaveKindData? SlaveData { get; set; }

    public List<RawAttribute> Unknown { get; } = [];
    public List<RawAttribute> UnknownLinkInfo { get; } = [];

    private bool _infoDataPresent;
    private bool _slaveDataPresent;
    private bool _linkInfoSeen;

    public string? Kind => KindData?.Kind;

    /// <summary>The master's kind, e.g. "bridge" for a bridge port.</summary>
    public string? SlaveKind => SlaveData?.Kind;

    public bool IsUp => (Flags & InterfaceFlags.Up) != 0;

    private static readonly ushort[] CanonicalOrder =
    [
        Ifla.Link, Ifla.IfName, Ifla.Address, Ifla.Mtu, Ifla.Master, Ifla.IfAlias, Ifla.NetNsFd,
        Ifla.LinkNetNsId, (ushort)(Ifla.ProtInfo | NetlinkProtocol.AttributeNested), Ifla.LinkInfo,
    ];

    private static readonly ushort[] CanonicalLinkInfoOrder =
        [IflaInfo.Kind, IflaInfo.Data, IflaInfo.SlaveKind, IflaInfo.SlaveData];

    /// <summary>Writes a whole message: nlmsghdr, ifinfomsg, attributes.</summary>
    public void Encode(ref NetlinkWriter writer, ushort type, NetlinkFlags flags, uint sequence)
    {
        writer.BeginMessage(type, flags, sequence);
        EncodeBody(ref writer);
        writer.EndMessage();
    }

    /// <summary>Writes ifinfomsg and the attributes (also the payload of VETH_INFO_PEER).</summary>
    public void EncodeBody(ref NetlinkWriter writer)
    {
        var header = writer.FixedHeader(RtnlHeaderSize.IfInfo);
        header[0] = Family;
        HostOrder.WriteUInt16(header[2..], DeviceType);
        HostOrder.WriteInt32(header[4..], Index);
        HostOrder.WriteUInt32(header[8..], (uint)Flags);
        HostOrder.WriteUInt32(header[12..], (uint)Change);

        foreach (var t in CanonicalOrder) WriteKnown(ref writer, t);
        RawAttribute.WriteAll(ref writer, Unknown);
    }

    private void WriteKnown(ref NetlinkWriter writer, ushort rawType)
    {
        switch ((ushort)(rawType & NetlinkProtocol.AttributeTypeMask))
        {
            case Ifla.Link when Link is { } link: writer.WriteI32(rawType, link); break;
            case Ifla.IfName when Name is not null: writer.WriteString(rawType, Name); break;
            case Ifla.Address when Address is not null: writer.WriteBytes(rawType, Address); break;
            case Ifla.Mtu when Mtu is { } mtu: writer.WriteU32(rawType, mtu); break;
            case Ifla.Master when Master is { } master: writer.WriteI32(rawType, master); break;
            case Ifla.IfAlias when Alias is not null: WriteUnterminated(ref writer, rawType, Alias); break;
            case Ifla.NetNsFd when NetNsFd is { } fd: writer.WriteI32(rawType, fd); break;
            case Ifla.LinkNetNsId when LinkNetNsId is { } id: writer.WriteI32(rawType, id); break;
            case Ifla.ProtInfo when ProtInfo is not null:
            {
                var nest = writer.BeginNested(rawType);
                ProtInfo.Encode(ref writer);
                writer.EndNested(nest);
                break;
            }
            case Ifla.LinkInfo when KindData is not null || SlaveData is not null || UnknownLinkInfo.Count > 0:
            {
                var nest = writer.BeginNested(rawType);
                EncodeLinkInfo(ref writer);
                writer.EndNested(nest);
                break;
            }
        }
    }

    private void EncodeLinkInfo(ref NetlinkWriter writer)
    {
        foreach (var t in CanonicalLinkInfoOrder) WriteLinkInfo(ref writer, t);
        RawAttribute.WriteAll(ref writer, UnknownLinkInfo);
    }

    private void WriteLinkInfo(ref NetlinkWriter writer, ushort rawType)
    {
        switch ((ushort)(rawType & NetlinkProtocol.AttributeTypeMask))
        {
            case IflaInfo.Kind when KindData is not null:
                WriteUnterminated(ref writer, rawType, KindData.Kind);
                break;
            case IflaInfo.Data when KindData is not null && (KindData.HasData || _infoDataPresent):
            {
                var nest = writer.BeginNested(rawType);
                KindData.Encode(ref writer);
                writer.EndNested(nest);
                break;
            }
            case IflaInfo.SlaveKind when SlaveData is not null:
                WriteUnterminated(ref writer, rawType, SlaveData.Kind);
                break;
            case IflaInfo.SlaveData when SlaveData is not null && (SlaveData.HasData || _slaveDataPresent):
            {
                var nest = writer.BeginNested(rawType);
                SlaveData.Encode(ref writer);
                writer.EndNested(nest);
                break;
            }
        }
    }

    /// <summary>A string without its NUL, as iproute2 sends an alias and a kind (the kernel takes both).</summary>
    private static void WriteUnterminated(ref NetlinkWriter writer, ushort type, string value) =>
        writer.WriteBytes(type, System.Text.Encoding.UTF8.GetBytes(value));

    /// <summary>Decodes ifinfomsg and attributes (a message payload, or VETH_INFO_PEER's).</summary>
    public static LinkMessage DecodeBody(ReadOnlySpan<byte> body) => Decode(body, keepUnknown: true);

    /// <summary>
    /// Decodes what the observer reads and drops the rest (statistics and the like): a dump of
    /// 500 namespaces is otherwise mostly copies of attributes nobody looks at. The message
    /// cannot stand for the link it came from (never re-encode it).
    /// </summary>
    public static LinkMessage DecodeObserved(ReadOnlySpan<byte> body) => Decode(body, keepUnknown: false);

    private static LinkMessage Decode(ReadOnlySpan<byte> body, bool keepUnknown)
    {
        if (body.Length < RtnlHeaderSize.IfInfo) ThrowHelper.Malformed($"ifinfomsg needs {RtnlHeaderSize.IfInfo} bytes, got {body.Length}");
        var m = new LinkMessage
        {
            Family = body[0],
            DeviceType = HostOrder.ReadUInt16(body[2..]),
            Index = HostOrder.ReadInt32(body[4..]),
            Flags = (InterfaceFlags)HostOrder.ReadUInt32(body[8..]),
            Change = (InterfaceFlags)HostOrder.ReadUInt32(body[12..]),
        };
        var reader = new AttributeReader(body[RtnlHeaderSize.IfInfo..]);
        while (reader.MoveNext())
        {
            switch (reader.Type)
            {
                case Ifla.IfName when m.Name is null: m.Name = reader.String(); break;
                case Ifla.Mtu when m.Mtu is null: m.Mtu = reader.U32(); break;
                case Ifla.Address when m.Address is null: m.Address = reader.Value.ToArray(); break;
                case Ifla.Master when m.Master is null: m.Master = reader.I32(); break;
                case Ifla.Link when m.Link is null: m.Link = reader.I32(); break;
                case Ifla.LinkNetNsId when m.LinkNetNsId is null: m.LinkNetNsId = reader.I32(); break;
                case Ifla.IfAlias when m.Alias is null: m.Alias = reader.String(); break;
                case Ifla.NetNsFd when m.NetNsFd is null: m.NetNsFd = reader.I32(); break;
                case Ifla.ProtInfo when m.ProtInfo is null && (reader.RawType & NetlinkProtocol.AttributeNested) != 0:
                    m.ProtInfo = BridgePortInfo.Decode(reader.Value);
                    break;
                case Ifla.LinkInfo when !m._linkInfoSeen:
                    m.DecodeLinkInfo(reader.Value, keepUnknown);
                    break;
                default:
                    if (keepUnknown) m.Unknown.Add(reader.Raw());
                    break;
            }
        }
        return m;
    }

    private void DecodeLinkInfo(ReadOnlySpan<byte> nest, bool keepUnknown)
    {
        _linkInfoSeen = true;
        string? kind = null, slaveKind = null;
        ReadOnlySpan<byte> data = default, slaveData = default;
        var reader = new AttributeReader(nest);
        while (reader.MoveNext())
        {
            switch (reader.Type)
            {
                case IflaInfo.Kind when kind is null: kind = reader.String(); break;
                case IflaInfo.Data when !_infoDataPresent: data = reader.Value; _infoDataPresent = true; break;
                case IflaInfo.SlaveKind when slaveKind is null: slaveKind = reader.String(); break;
                case IflaInfo.SlaveData when !_slaveDataPresent: slaveData = reader.Value; _slaveDataPresent = true; break;
                default:
                    if (keepUnknown) UnknownLinkInfo.Add(reader.Raw());
                    break;
            }
        }
        if (kind is not null) KindData = LinkKindRegistry.Decode(kind, data);
        else if (_infoDataPresent) ThrowHelper.Malformed("IFLA_INFO_DATA without IFLA_INFO_KIND");
        if (slaveKind is not null) SlaveData = LinkKindRegistry.DecodeSlave(slaveKind, slaveData, observedOnly: !keepUnknown);
        else if (_slaveDataPresent) ThrowHelper.Malformed("IFLA_INFO_SLAVE_DATA without IFLA_INFO_SLAVE_KIND");
    }
}
