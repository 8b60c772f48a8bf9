using Topo.Linux.Netlink.Messages;

namespace Topo.Linux.Netlink.LinkKinds;

/// <summary>A bridge: topo sets no bridge options; what the kernel reports is kept as it came.</summary>
internal sealed class BridgeData(IReadOnlyList<RawAttribute> attributes) : LinkKindData
{
    public BridgeData() : this([]) { }

    public override string Kind => BridgeDriver.KindName;

    public IReadOnlyList<RawAttribute> Attributes { get; } = attributes;

    public override bool HasData => Attributes.Count > 0;

    public override void Encode(ref NetlinkWriter writer)
    {
        foreach (var a in Attributes) a.WriteTo(ref writer);
    }
}

internal sealed class BridgeDriver : ILinkKindDriver
{
    public const string KindName = "bridge";
    public static readonly BridgeDriver Instance = new();

    public string Kind => KindName;
    public string KernelFeature => "bridge support (CONFIG_BRIDGE)";
    public Topo.Core.Model.LinkKind ModelKind => Topo.Core.Model.LinkKind.Bridge;

    public LinkKindData Decode(ReadOnlySpan<byte> infoData)
    {
        var list = new List<RawAttribute>();
        var reader = new AttributeReader(infoData);
        while (reader.MoveNext()) list.Add(reader.Raw());
        return new BridgeData(list);
    }

    public LinkKindData Empty() => new BridgeData();
}
