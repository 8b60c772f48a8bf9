using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.Messages;

namespace Topo.Linux.Netlink.LinkKinds;

/// <summary>A VXLAN tunnel endpoint: VNI, optional lower device and UDP port (network byte order).</summary>
internal sealed class VxlanData(uint? vni, uint? lowerIndex = null, ushort? port = null, IReadOnlyList<RawAttribute>? others = null) : LinkKindData
{
    public override string Kind => VxlanDriver.KindName;

    public uint? Vni { get; } = vni;
    public uint? LowerIndex { get; } = lowerIndex;
    public ushort? Port { get; } = port;
    public IReadOnlyList<RawAttribute> Others { get; } = others ?? [];

    public override bool HasData => Vni is not null || LowerIndex is not null || Port is not null || Others.Count > 0;

    public override void Encode(ref NetlinkWriter writer)
    {
        if (Vni is { } vni) writer.WriteU32(IflaVxlan.Id, vni);
        if (LowerIndex is { } link) writer.WriteU32(IflaVxlan.Link, link);
        if (Port is { } port) writer.WriteU16BigEndian(IflaVxlan.Port, port);
        foreach (var a in Others) a.WriteTo(ref writer);
    }
}

internal sealed class VxlanDriver : ILinkKindDriver
{
    public const string KindName = "vxlan";
    public static readonly VxlanDriver Instance = new();

    public string Kind => KindName;
    public string KernelFeature => "VXLAN support (CONFIG_VXLAN)";
    public Topo.Core.Model.LinkKind ModelKind => Topo.Core.Model.LinkKind.Vxlan;

    public LinkKindData Decode(ReadOnlySpan<byte> infoData)
    {
        uint? vni = null, link = null;
        ushort? port = null;
        var others = new List<RawAttribute>();
        var reader = new AttributeReader(infoData);
        while (reader.MoveNext())
        {
            switch (reader.Type)
            {
                case IflaVxlan.Id when vni is null: vni = reader.U32(); break;
                case IflaVxlan.Link when link is null: link = reader.U32(); break;
                case IflaVxlan.Port when port is null: port = reader.U16BigEndian(); break;
                default: others.Add(reader.Raw()); break;
            }
        }
        return new VxlanData(vni, link, port, others);
    }

    public LinkKindData Empty() => new VxlanData(null);
}
