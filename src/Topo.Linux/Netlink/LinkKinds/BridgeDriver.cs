using Topo.Core.Model;
using Topo.Linux.Netlink.Messages;

namespace Topo.Linux.Netlink.LinkKinds;

/// <summary>A bridge: topo sets no bridge options; what the kernel reports is kept as it came.</summary>
internal sealed class BridgeData(IReadOnlyList<RawAttribute> attributes) : LinkKindData
{
    public BridgeData() : this([]) { }

    public override string Kind => BridgeDriver.KindName;

    public IReadOnlyList<RawAttribute> Attributes { get; } = attributes;

    public override bool HasData => Attributes.Count > 0;

    public override void Encode(ref NetlinkWriter writer) => RawAttribute.WriteAll(ref writer, Attributes);
}

internal sealed class BridgeDriver : LinkKindDriver
{
    public const string KindName = "bridge";
    public static readonly BridgeDriver Instance = new();

    public override string Kind => KindName;
    public override string KernelFeature => "bridge support (CONFIG_BRIDGE)";
    public override LinkKind ModelKind => LinkKind.Bridge;

    public override LinkKindData Decode(ReadOnlySpan<byte> infoData) => new BridgeData(RawAttribute.ReadAll(infoData));

    public static LinkMessage Request(string name, LinkOptions options) => LinkRequests.NewLink(name, new BridgeData(), options);

    // A bridge's MTU given at creation is not "set by the user": the kernel lowers it to its ports'
    // as they join. It is set afterwards (Configure) so that it sticks.
    public override LinkCreate Create(LinkState link, LinkState? peer, ILinkPlacement placement) =>
        new(link.Namespace, NewLink(link with { Mtu = null }, new BridgeData(), placement));

    public override void Configure(LinkState link, LinkMessage change, ILinkPlacement placement)
    {
        if (link.Mtu is { } mtu) change.Mtu = (uint)mtu;
    }
}

/// <summary>A bridge port's settings (IFLA_INFO_SLAVE_DATA with IFLA_INFO_SLAVE_KIND "bridge").</summary>
internal sealed class BridgePortDriver : SlaveKindDriver
{
    public static readonly BridgePortDriver Instance = new();

    public override string Kind => BridgeDriver.KindName;

    public override SlaveKindData Decode(ReadOnlySpan<byte> slaveData, bool observedOnly) =>
        observedOnly ? BridgePortInfo.DecodeFlags(slaveData) : BridgePortInfo.Decode(slaveData);

    public override LinkState Observe(LinkState port, SlaveKindData data) =>
        data is BridgePortInfo info ? port with { Isolated = info.Isolated ?? false, Hairpin = info.Hairpin ?? false } : port;
}
