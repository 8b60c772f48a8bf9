using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.LinkKinds;

namespace Topo.Linux.Netlink.Messages;

/// <summary>
/// Bridge port settings (IFLA_BRPORT_*), as found in IFLA_PROTINFO (AF_BRIDGE messages) and in
/// IFLA_INFO_SLAVE_DATA of a port's link message. Attributes are kept in order; the typed
/// properties read them.
/// </summary>
internal sealed class BridgePortInfo(IReadOnlyList<RawAttribute> attributes) : SlaveKindData
{
    public override string Kind => BridgeDriver.KindName;

    public IReadOnlyList<RawAttribute> Attributes { get; } = attributes;

    public override bool HasData => Attributes.Count > 0;

    public bool? Hairpin => Flag(IflaBridgePort.Mode);

    public bool? Isolated => Flag(IflaBridgePort.Isolated);

    /// <summary>Settings to change, in the order the bridge tool sends them (mode, then isolated).</summary>
    public static BridgePortInfo Create(bool? isolated, bool? hairpin)
    {
        var list = new List<RawAttribute>();
        if (hairpin is { } h) list.Add(new RawAttribute(IflaBridgePort.Mode, [h ? (byte)1 : (byte)0]));
        if (isolated is { } i) list.Add(new RawAttribute(IflaBridgePort.Isolated, [i ? (byte)1 : (byte)0]));
        return new BridgePortInfo(list);
    }

    public static BridgePortInfo Decode(ReadOnlySpan<byte> nest) => new(RawAttribute.ReadAll(nest));

    /// <summary>
    /// Keeps only the flags topo reads (hairpin, isolated): a port reports some forty settings,
    /// and copying them for every port of a 500-port bridge was most of what observing allocated.
    /// The result cannot stand for the port's full settings (never re-encode it).
    /// </summary>
    public static BridgePortInfo DecodeFlags(ReadOnlySpan<byte> nest)
    {
        var list = new List<RawAttribute>(2);
        var reader = new AttributeReader(nest);
        while (reader.MoveNext())
        {
            if (reader.Type is IflaBridgePort.Mode or IflaBridgePort.Isolated) list.Add(reader.Raw());
        }
        return new BridgePortInfo(list);
    }

    public override void Encode(ref NetlinkWriter writer) => RawAttribute.WriteAll(ref writer, Attributes);

    private bool? Flag(ushort type)
    {
        foreach (var a in Attributes)
        {
            if ((a.Type & NetlinkProtocol.AttributeTypeMask) == type) return a.Value.Length == 1 ? a.Value[0] != 0 : null;
        }
        return null;
    }
}
