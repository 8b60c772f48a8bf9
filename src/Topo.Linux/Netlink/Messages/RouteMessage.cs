using Topo.Core.Addressing;
using Topo.Linux.Netlink.Constants;

namespace Topo.Linux.Netlink.Messages;

/// <summary>An RTM_NEWROUTE / RTM_DELROUTE body: struct rtmsg and RTA_* attributes, IPv4 or IPv6.</summary>
internal sealed class RouteMessage
{
    public byte Family { get; set; } = AddressFamily.Inet;
    public byte DestinationLength { get; set; }
    public byte SourceLength { get; set; }
    public byte Tos { get; set; }
    public byte Table { get; set; } = RouteTable.Main;
    public RouteProtocol Protocol { get; set; } = RouteProtocol.Boot;
    public RouteScope Scope { get; set; } = RouteScope.Universe;
    public RouteType Type { get; set; } = RouteType.Unicast;
    public uint RouteFlags { get; set; }

    public IpAddress? Destination { get; set; }
    public IpAddress? Gateway { get; set; }
    public int? OutputInterface { get; set; }
    public uint? Priority { get; set; }
    public uint? TableId { get; set; }
    public List<RawAttribute> Unknown { get; } = [];

    /// <summary>
    /// A dumped route to be added again through <paramref name="outputInterface"/> (its link was
    /// made again, or got its address back): what the route was, without what the kernel filled in.
    /// </summary>
    public RouteMessage ReAddedOn(int outputInterface) => new()
    {
        Family = Family,
        DestinationLength = DestinationLength,
        Destination = Destination,
        Gateway = Gateway,
        Priority = Priority,
        OutputInterface = outputInterface,
        Scope = Scope,
        Protocol = Protocol,
        Type = Type,
    };

    public bool IsIpv6 => Family == AddressFamily.Inet6;

    /// <summary>The table: RTA_TABLE when present (tables above 255), else rtm_table.</summary>
    public uint EffectiveTable => TableId ?? Table;

    public IpPrefix DestinationPrefix => IsIpv6
        ? new Ipv6Prefix(Destination is { IsV6: true } d6 ? d6.V6 : Ipv6Address.Any, DestinationLength)
        : new Ipv4Prefix(Destination is { IsV6: false } d4 ? d4.V4 : Ipv4Address.Any, DestinationLength);

    private static readonly ushort[] CanonicalOrder = [Rta.Table, Rta.Destination, Rta.Priority, Rta.Gateway, Rta.OutputInterface];

    public void Encode(ref NetlinkWriter writer, ushort type, NetlinkFlags flags, uint sequence)
    {
        writer.BeginMessage(type, flags, sequence);
        var h = writer.FixedHeader(RtnlHeaderSize.Rt);
        h[0] = Family;
        h[1] = DestinationLength;
        h[2] = SourceLength;
        h[3] = Tos;
        h[4] = Table;
        h[5] = (byte)Protocol;
        h[6] = (byte)Scope;
        h[7] = (byte)Type;
        HostOrder.WriteUInt32(h[8..], RouteFlags);
        foreach (var t in CanonicalOrder) WriteKnown(ref writer, t);
        RawAttribute.WriteAll(ref writer, Unknown);
        writer.EndMessage();
    }

    private void WriteKnown(ref NetlinkWriter writer, ushort type)
    {
        Span<byte> b = stackalloc byte[IpSizes.Ipv6];
        switch (type)
        {
            case Rta.Table when TableId is { } table: writer.WriteU32(type, table); break;
            case Rta.Destination when Destination is { } dst: writer.WriteBytes(type, IpSizes.Write(dst, b)); break;
            case Rta.Gateway when Gateway is { } gw: writer.WriteBytes(type, IpSizes.Write(gw, b)); break;
            case Rta.OutputInterface when OutputInterface is { } oif: writer.WriteI32(type, oif); break;
            case Rta.Priority when Priority is { } prio: writer.WriteU32(type, prio); break;
        }
    }

    /// <summary>
    /// <see cref="Decode"/> for what topo models: null, from rtmsg's header alone, for a route the
    /// kernel made with an address (proto kernel: a prefix route, fe80::/64) and for one that is not
    /// unicast (ff00::/8, blackholes): a dual-stack container's main table has two such beside its own.
    /// </summary>
    public static RouteMessage? DecodeModelled(ReadOnlySpan<byte> body) =>
        body.Length >= RtnlHeaderSize.Rt && ((RouteProtocol)body[5] == RouteProtocol.Kernel || (RouteType)body[7] != RouteType.Unicast)
            ? null
            : Decode(body);

    public static RouteMessage Decode(ReadOnlySpan<byte> body)
    {
        if (body.Length < RtnlHeaderSize.Rt) ThrowHelper.Malformed($"rtmsg needs {RtnlHeaderSize.Rt} bytes, got {body.Length}");
        var m = new RouteMessage
        {
            Family = body[0],
            DestinationLength = body[1],
            SourceLength = body[2],
            Tos = body[3],
            Table = body[4],
            Protocol = (RouteProtocol)body[5],
            Scope = (RouteScope)body[6],
            Type = (RouteType)body[7],
            RouteFlags = HostOrder.ReadUInt32(body[8..]),
        };
        // Other families (none asked for) keep their addresses as raw attributes.
        var size = IpSizes.Of(m.Family);
        var reader = new AttributeReader(body[RtnlHeaderSize.Rt..]);
        while (reader.MoveNext())
        {
            switch (reader.Type)
            {
                case Rta.Table when m.TableId is null: m.TableId = reader.U32(); break;
                case Rta.Destination when size > 0 && m.Destination is null: m.Destination = IpSizes.Read(reader.Fixed(size)); break;
                case Rta.Gateway when size > 0 && m.Gateway is null: m.Gateway = IpSizes.Read(reader.Fixed(size)); break;
                case Rta.OutputInterface when m.OutputInterface is null: m.OutputInterface = reader.I32(); break;
                case Rta.Priority when m.Priority is null: m.Priority = reader.U32(); break;
                default: m.Unknown.Add(reader.Raw()); break;
            }
        }
        if (size > 0 && m.DestinationLength > size * 8) ThrowHelper.Malformed($"prefix length {m.DestinationLength} in family {m.Family}");
        return m;
    }
}
