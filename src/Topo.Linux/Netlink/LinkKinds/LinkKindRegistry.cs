using System.Collections.Frozen;
using Topo.Linux.Netlink.Messages;

namespace Topo.Linux.Netlink.LinkKinds;

/// <summary>The drivers, by IFLA_INFO_KIND string and by model kind.</summary>
internal static class LinkKindRegistry
{
    private static readonly ILinkKindDriver[] Drivers =
        [BridgeDriver.Instance, VethDriver.Instance, MacvlanDriver.Instance, VlanDriver.Instance, VxlanDriver.Instance];

    private static readonly FrozenDictionary<string, ILinkKindDriver> ByKind =
        Drivers.ToFrozenDictionary(d => d.Kind, StringComparer.Ordinal);

    public static ILinkKindDriver? Find(string kind) => ByKind.GetValueOrDefault(kind);

    public static ILinkKindDriver? Find(Topo.Core.Model.LinkKind kind) => Array.Find(Drivers, d => d.ModelKind == kind);

    public static LinkKindData Decode(string kind, ReadOnlySpan<byte> infoData, bool present)
    {
        if (Find(kind) is { } driver) return present ? driver.Decode(infoData) : driver.Empty();
        var list = new List<RawAttribute>();
        var reader = new AttributeReader(infoData);
        while (reader.MoveNext()) list.Add(reader.Raw());
        return new OpaqueKindData(kind, list);
    }
}
