using Topo.Core.Model;
using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.Messages;

namespace Topo.Linux.Netlink.LinkKinds;

/// <summary>IFLA_VLAN_* (include/uapi/linux/if_link.h): the ones topo writes or reads.</summary>
internal static class IflaVlan
{
    public const ushort Id = 1;        // IFLA_VLAN_ID
    public const ushort Flags = 2;     // IFLA_VLAN_FLAGS
    public const ushort Protocol = 5;  // IFLA_VLAN_PROTOCOL
}

/// <summary>An 802.1Q sub-interface. Kernels built without CONFIG_VLAN_8021Q answer EOPNOTSUPP.</summary>
internal sealed class VlanData(ushort? id, ushort? protocol = null, IReadOnlyList<RawAttribute>? others = null) : LinkKindData
{
    public override string Kind => VlanDriver.KindName;

    public ushort? Id { get; } = id;

    /// <summary>ETH_P_8021Q or ETH_P_8021AD, network byte order on the wire.</summary>
    public ushort? Protocol { get; } = protocol;

    public IReadOnlyList<RawAttribute> Others { get; } = others ?? [];

    public override bool HasData => Id is not null || Protocol is not null || Others.Count > 0;

    public override void Encode(ref NetlinkWriter writer)
    {
        if (Id is { } id) writer.WriteU16(IflaVlan.Id, id);
        if (Protocol is { } protocol) writer.WriteU16BigEndian(IflaVlan.Protocol, protocol);
        RawAttribute.WriteAll(ref writer, Others);
    }
}

internal sealed class VlanDriver : LinkKindDriver
{
    public const string KindName = "vlan";
    public static readonly VlanDriver Instance = new();

    public override string Kind => KindName;
    public override string KernelFeature => "802.1Q VLAN support (CONFIG_VLAN_8021Q)";
    public override LinkKind ModelKind => LinkKind.Vlan;

    public override LinkKindData Decode(ReadOnlySpan<byte> infoData)
    {
        ushort? id = null, protocol = null;
        var others = new List<RawAttribute>();
        var reader = new AttributeReader(infoData);
        while (reader.MoveNext())
        {
            switch (reader.Type)
            {
                case IflaVlan.Id when id is null:
                    id = reader.U16();
                    break;
                case IflaVlan.Protocol when protocol is null:
                    protocol = reader.U16BigEndian();
                    break;
                default:
                    others.Add(reader.Raw());
                    break;
            }
        }
        return new VlanData(id, protocol, others);
    }

    public static LinkMessage Request(string name, ushort id, LinkOptions options) => LinkRequests.NewLink(name, new VlanData(id), options);

    public override LinkCreate Create(LinkState link, LinkState? peer, ILinkPlacement placement) =>
        LowerDevice.Create(link, placement, _ => new VlanData((ushort)((link.Details as VlanDetails)?.Id ?? throw new InvalidOperationException($"{link.Key} has no VLAN id"))));

    public override void Configure(LinkState link, LinkMessage change, ILinkPlacement placement) =>
        LowerDevice.Configure(link, change, placement);

    public override LinkState Observe(LinkState common, LinkMessage link, ILinkNeighbours neighbours) => common with
    {
        Details = link.KindData is VlanData data ? new VlanDetails(data.Id) : null,
        Parent = link.Link is { } lower ? neighbours.Lower(link, lower) : null,
    };
}
