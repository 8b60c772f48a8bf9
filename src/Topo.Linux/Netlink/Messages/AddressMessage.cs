using Topo.Core.Addressing;
using Topo.Linux.Netlink.Constants;

namespace Topo.Linux.Netlink.Messages;

/// <summary>An RTM_NEWADDR / RTM_DELADDR body: struct ifaddrmsg and IFA_* attributes (IPv4 only).</summary>
internal sealed class AddressMessage
{
    public byte Family { get; set; } = AddressFamily.Inet;
    public byte PrefixLength { get; set; }
    public byte Flags { get; set; }
    public RouteScope Scope { get; set; }
    public int Index { get; set; }

    public Ipv4Address? Local { get; set; }
    public Ipv4Address? Address { get; set; }
    public string? Label { get; set; }
    public List<RawAttribute> Unknown { get; } = [];

    public static AddressMessage ForPrefix(int index, Ipv4Prefix prefix) => new()
    {
        Index = index,
        PrefixLength = (byte)prefix.Length,
        Local = prefix.Address,
        Address = prefix.Address,
    };

    public Ipv4Prefix? Prefix => (Local ?? Address) is { } a ? new Ipv4Prefix(a, PrefixLength) : null;

    public void Encode(ref NetlinkWriter writer, ushort type, NetlinkFlags flags, uint sequence)
    {
        writer.BeginMessage(type, flags, sequence);
        var h = writer.FixedHeader(RtnlHeaderSize.IfAddr);
        h[0] = Family;
        h[1] = PrefixLength;
        h[2] = Flags;
        h[3] = (byte)Scope;
        HostOrder.WriteInt32(h[4..], Index);
        // iproute2's order: IFA_LOCAL, then IFA_ADDRESS; what topo does not model after them.
        WriteKnown(ref writer, Ifa.Local);
        WriteKnown(ref writer, Ifa.Address);
        WriteKnown(ref writer, Ifa.Label);
        RawAttribute.WriteAll(ref writer, Unknown);
        writer.EndMessage();
    }

    private void WriteKnown(ref NetlinkWriter writer, ushort type)
    {
        Span<byte> b = stackalloc byte[Ipv4Sizes.Address];
        switch (type)
        {
            case Ifa.Local when Local is { } local: local.WriteBytes(b); writer.WriteBytes(type, b); break;
            case Ifa.Address when Address is { } address: address.WriteBytes(b); writer.WriteBytes(type, b); break;
            case Ifa.Label when Label is not null: writer.WriteString(type, Label); break;
        }
    }

    public static AddressMessage Decode(ReadOnlySpan<byte> body)
    {
        if (body.Length < RtnlHeaderSize.IfAddr) ThrowHelper.Malformed($"ifaddrmsg needs {RtnlHeaderSize.IfAddr} bytes, got {body.Length}");
        var m = new AddressMessage
        {
            Family = body[0],
            PrefixLength = body[1],
            Flags = body[2],
            Scope = (RouteScope)body[3],
            Index = HostOrder.ReadInt32(body[4..]),
        };
        var ipv4 = m.Family == AddressFamily.Inet;
        var reader = new AttributeReader(body[RtnlHeaderSize.IfAddr..]);
        while (reader.MoveNext())
        {
            switch (reader.Type)
            {
                case Ifa.Local when ipv4 && m.Local is null: m.Local = Ipv4Address.FromBytes(reader.Fixed(Ipv4Sizes.Address)); break;
                case Ifa.Address when ipv4 && m.Address is null: m.Address = Ipv4Address.FromBytes(reader.Fixed(Ipv4Sizes.Address)); break;
                case Ifa.Label when m.Label is null: m.Label = reader.String(); break;
                default: m.Unknown.Add(reader.Raw()); break;
            }
        }
        return m;
    }
}
