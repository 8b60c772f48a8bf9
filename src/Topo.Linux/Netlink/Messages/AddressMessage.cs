using Topo.Core.Addressing;
using Topo.Linux.Netlink.Constants;

namespace Topo.Linux.Netlink.Messages;

/// <summary>An RTM_NEWADDR / RTM_DELADDR body: struct ifaddrmsg and IFA_* attributes, IPv4 or IPv6.</summary>
internal sealed class AddressMessage
{
    public byte Family { get; set; } = AddressFamily.Inet;
    public byte PrefixLength { get; set; }
    public AddressFlags Flags { get; set; }
    public RouteScope Scope { get; set; }
    public int Index { get; set; }

    public IpAddress? Local { get; set; }
    public IpAddress? Address { get; set; }
    public string? Label { get; set; }
    /// <summary>IFA_FLAGS: all 32 bits (the header's byte holds only the low 8); when present the kernel reads these.</summary>
    public AddressFlags? ExtendedFlags { get; set; }
    /// <summary>IFA_PROTO: who made the address (kernel link-local, loopback, RA); absent for a user's.</summary>
    public AddressProtocol? Protocol { get; set; }
    public List<RawAttribute> Unknown { get; } = [];

    /// <summary>
    /// The request for an address topo owns. An IPv6 one carries IFA_F_NODAD (in the header byte,
    /// as `ip -6 addr add … nodad` sends it): topo decides its addresses, and duplicate-address
    /// detection would keep each one tentative, unusable, for ~1.8 s after it is added.
    /// </summary>
    public static AddressMessage ForPrefix(int index, IpPrefix prefix) => new()
    {
        Family = prefix.IsV6 ? AddressFamily.Inet6 : AddressFamily.Inet,
        Index = index,
        PrefixLength = (byte)prefix.Length,
        Flags = prefix.IsV6 ? AddressFlags.NoDad : AddressFlags.None,
        Local = prefix.Address,
        Address = prefix.Address,
    };

    public IpPrefix? Prefix => (Local ?? Address) switch
    {
        { IsV6: true } a => new Ipv6Prefix(a.V6, PrefixLength),
        { } a => new Ipv4Prefix(a.V4, PrefixLength),
        null => null,
    };

    /// <summary>The 32-bit flags: IFA_FLAGS when the kernel sent it, else the header's byte.</summary>
    public AddressFlags AllFlags => ExtendedFlags ?? Flags;

    /// <summary>
    /// Made by the kernel, not by anyone's request: a link-local or loopback address (IFA_PROTO
    /// says so on 6.1+; older kernels send no IFA_PROTO, so fe80::/10 and ::1 by value too).
    /// </summary>
    public bool IsKernelMade =>
        Protocol is AddressProtocol.KernelLinkLocal or AddressProtocol.KernelLoopback ||
        (Local ?? Address) is { IsV6: true } a && (a.V6.IsLinkLocal || a.V6.IsLoopback);

    /// <summary>
    /// <see cref="Decode"/> for what topo models: null for a kernel-made address, told from the raw
    /// message (IFA_PROTO and the address bytes, what <see cref="IsKernelMade"/> reads) before
    /// anything is allocated. A dual-stack container has two of them (fe80::, ::1) beside its own.
    /// </summary>
    public static AddressMessage? DecodeModelled(ReadOnlySpan<byte> body) => IsKernelMadeRaw(body) ? null : Decode(body);

    /// <summary><see cref="IsKernelMade"/> of the undecoded body; anything malformed is left to <see cref="Decode"/> to report.</summary>
    private static bool IsKernelMadeRaw(ReadOnlySpan<byte> body)
    {
        if (body.Length < RtnlHeaderSize.IfAddr) return false;
        var isV6 = body[0] == AddressFamily.Inet6;
        ReadOnlySpan<byte> local = default, address = default;
        var reader = new AttributeReader(body[RtnlHeaderSize.IfAddr..]);
        try
        {
            while (reader.MoveNext())
            {
                switch (reader.Type)
                {
                    case Ifa.Proto when reader.Value.Length == 1:
                        if ((AddressProtocol)reader.Value[0] is AddressProtocol.KernelLinkLocal or AddressProtocol.KernelLoopback) return true;
                        break;
                    case Ifa.Local when local.IsEmpty: local = reader.Value; break;
                    case Ifa.Address when address.IsEmpty: address = reader.Value; break;
                }
            }
        }
        catch (NetlinkParseException)
        {
            return false;
        }
        var value = local.IsEmpty ? address : local;
        if (!isV6 || value.Length != IpSizes.Ipv6) return false;
        var a = Ipv6Address.FromBytes(value);
        return a.IsLinkLocal || a.IsLoopback;
    }

    public void Encode(ref NetlinkWriter writer, ushort type, NetlinkFlags flags, uint sequence)
    {
        writer.BeginMessage(type, flags, sequence);
        var h = writer.FixedHeader(RtnlHeaderSize.IfAddr);
        h[0] = Family;
        h[1] = PrefixLength;
        h[2] = (byte)Flags;
        h[3] = (byte)Scope;
        HostOrder.WriteInt32(h[4..], Index);
        // iproute2's order: IFA_LOCAL, then IFA_ADDRESS; what topo does not model after them.
        WriteAddress(ref writer, Ifa.Local, Local);
        WriteAddress(ref writer, Ifa.Address, Address);
        if (Label is not null) writer.WriteString(Ifa.Label, Label);
        if (ExtendedFlags is { } all) writer.WriteU32(Ifa.Flags, (uint)all);
        if (Protocol is { } proto) writer.WriteU8(Ifa.Proto, (byte)proto);
        RawAttribute.WriteAll(ref writer, Unknown);
        writer.EndMessage();
    }

    private static void WriteAddress(ref NetlinkWriter writer, ushort type, IpAddress? address)
    {
        if (address is not { } a) return;
        Span<byte> b = stackalloc byte[IpSizes.Ipv6];
        var bytes = IpSizes.Write(a, b);
        writer.WriteBytes(type, bytes);
    }

    public static AddressMessage Decode(ReadOnlySpan<byte> body)
    {
        if (body.Length < RtnlHeaderSize.IfAddr) ThrowHelper.Malformed($"ifaddrmsg needs {RtnlHeaderSize.IfAddr} bytes, got {body.Length}");
        var m = new AddressMessage
        {
            Family = body[0],
            PrefixLength = body[1],
            Flags = (AddressFlags)body[2],
            Scope = (RouteScope)body[3],
            Index = HostOrder.ReadInt32(body[4..]),
        };
        // Other families (none asked for) keep their addresses as raw attributes.
        var size = IpSizes.Of(m.Family);
        var reader = new AttributeReader(body[RtnlHeaderSize.IfAddr..]);
        while (reader.MoveNext())
        {
            switch (reader.Type)
            {
                case Ifa.Local when size > 0 && m.Local is null: m.Local = IpSizes.Read(reader.Fixed(size)); break;
                case Ifa.Address when size > 0 && m.Address is null: m.Address = IpSizes.Read(reader.Fixed(size)); break;
                case Ifa.Label when m.Label is null: m.Label = reader.String(); break;
                case Ifa.Flags when m.ExtendedFlags is null: m.ExtendedFlags = (AddressFlags)reader.U32(); break;
                case Ifa.Proto when m.Protocol is null: m.Protocol = (AddressProtocol)reader.U8(); break;
                default: m.Unknown.Add(reader.Raw()); break;
            }
        }
        if (m.PrefixLength > size * 8 && size > 0) ThrowHelper.Malformed($"prefix length {m.PrefixLength} in family {m.Family}");
        return m;
    }
}
