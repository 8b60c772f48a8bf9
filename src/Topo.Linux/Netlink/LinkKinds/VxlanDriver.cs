using Topo.Core.Model;
using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.Messages;

namespace Topo.Linux.Netlink.LinkKinds;

/// <summary>IFLA_VXLAN_* (include/uapi/linux/if_link.h): the ones topo writes or reads.</summary>
internal static class IflaVxlan
{
    public const ushort Id = 1;        // IFLA_VXLAN_ID: the VNI, u32
    public const ushort Link = 3;      // IFLA_VXLAN_LINK: ifindex of the lower device, u32
    public const ushort Learning = 7;  // IFLA_VXLAN_LEARNING: u8
    public const ushort Port = 15;     // IFLA_VXLAN_PORT: UDP destination port, network byte order
}

/// <summary>
/// A VXLAN tunnel endpoint: VNI, lower device (its own attribute, not IFLA_LINK), learning and the
/// UDP destination port. The kernel reports some twenty more (ttl, ageing, checksums) between
/// those, so the attributes are kept in the order they came and the typed properties read them.
/// </summary>
internal sealed class VxlanData(IReadOnlyList<RawAttribute> attributes) : LinkKindData
{
    public override string Kind => VxlanDriver.KindName;

    public IReadOnlyList<RawAttribute> Attributes { get; } = attributes;

    public uint? Vni => U32(IflaVxlan.Id);
    public uint? LowerIndex => U32(IflaVxlan.Link);
    public bool? Learning => Find(IflaVxlan.Learning) is [var b] ? b != 0 : null;
    public ushort? Port => Find(IflaVxlan.Port) is [var hi, var lo] ? (ushort)(hi << 8 | lo) : null; // network byte order

    public override bool HasData => Attributes.Count > 0;

    public override void Encode(ref NetlinkWriter writer) => RawAttribute.WriteAll(ref writer, Attributes);

    /// <summary>New data, in iproute2's order (link, id, learning, port): our request is byte for byte `ip link add … type vxlan`'s.</summary>
    public static VxlanData Create(uint vni, uint? lowerIndex, bool learning, ushort port)
    {
        var list = new List<RawAttribute>(4);
        if (lowerIndex is { } link) list.Add(new(IflaVxlan.Link, BitConverter.GetBytes(link)));
        list.Add(new(IflaVxlan.Id, BitConverter.GetBytes(vni)));
        list.Add(new(IflaVxlan.Learning, [learning ? (byte)1 : (byte)0]));
        list.Add(new(IflaVxlan.Port, [(byte)(port >> 8), (byte)port]));
        return new VxlanData(list);
    }

    private byte[]? Find(ushort type)
    {
        foreach (var a in Attributes)
        {
            if ((a.Type & NetlinkProtocol.AttributeTypeMask) == type) return a.Value;
        }
        return null;
    }

    private uint? U32(ushort type) => Find(type) is { Length: sizeof(uint) } v ? BitConverter.ToUInt32(v) : null;
}

internal sealed class VxlanDriver : LinkKindDriver
{
    public const string KindName = "vxlan";
    public static readonly VxlanDriver Instance = new();

    /// <summary>IANA's VXLAN port, which Docker's overlay uses; the kernel's own default is Linux's older 8472.</summary>
    public const ushort DefaultPort = 4789;

    /// <summary>VNIs are 24 bits.</summary>
    public const int MaxVni = (1 << 24) - 1;

    public override string Kind => KindName;
    public override string KernelFeature => "VXLAN support (CONFIG_VXLAN)";
    public override LinkKind ModelKind => LinkKind.Vxlan;

    public override LinkKindData Decode(ReadOnlySpan<byte> infoData) => new VxlanData(RawAttribute.ReadAll(infoData));

    /// <summary>What `ip link add NAME type vxlan id VNI dstport PORT [dev LOWER]` sends (learning on, iproute2's default).</summary>
    public static LinkMessage Request(string name, uint vni, ushort port, uint? lowerIndex, LinkOptions options) =>
        LinkRequests.NewLink(name, VxlanData.Create(Vni(vni), lowerIndex, learning: true, port), options);

    /// <summary>With a parent, made from the parent's namespace like a macvlan (the tunnel's UDP socket lives there); else in its own.</summary>
    public override LinkCreate Create(LinkState link, LinkState? peer, ILinkPlacement placement)
    {
        var details = link.Details as VxlanDetails;
        var vni = details?.Vni ?? throw new InvalidOperationException($"{link.Key} has no VNI");
        var port = (ushort)(details.Port ?? DefaultPort);
        if (link.Parent is null) return new(link.Namespace, NewLink(link, VxlanData.Create(Vni((uint)vni), null, learning: true, port), placement));
        return LowerDevice.Create(link, placement, lower => VxlanData.Create(Vni((uint)vni), (uint)lower, learning: true, port), inInfoLink: true);
    }

    public override void Configure(LinkState link, LinkMessage change, ILinkPlacement placement) =>
        LowerDevice.Configure(link, change, placement);

    public override LinkState Observe(LinkState common, LinkMessage link, ILinkNeighbours neighbours)
    {
        if (link.KindData is not VxlanData data) return common;
        return common with
        {
            Details = new VxlanDetails(data.Vni is { } vni ? (int)vni : null, data.Port),
            Parent = data.LowerIndex is { } lower ? neighbours.Lower(link, (int)lower) : null,
        };
    }

    private static uint Vni(uint vni) => vni <= MaxVni ? vni : throw new ArgumentOutOfRangeException(nameof(vni), vni, $"a VNI is 0..{MaxVni}");
}
