using System.Collections.Frozen;
using Topo.Core.Model;
using Topo.Linux.Netlink.Messages;

namespace Topo.Linux.Netlink.LinkKinds;

/// <summary>
/// The drivers, by IFLA_INFO_KIND string and by model kind. A new link kind is one driver file and
/// one entry here (docs/extending.md). Kinds and port kinds without a driver stay raw bytes.
/// </summary>
internal static class LinkKindRegistry
{
    private static readonly LinkKindDriver[] Drivers =
        [BridgeDriver.Instance, VethDriver.Instance, MacvlanDriver.Instance, VlanDriver.Instance, VxlanDriver.Instance];

    private static readonly SlaveKindDriver[] SlaveDrivers = [BridgePortDriver.Instance];

    private static readonly FrozenDictionary<string, LinkKindDriver> ByKind =
        Drivers.ToFrozenDictionary(d => d.Kind, StringComparer.Ordinal);

    private static readonly FrozenDictionary<LinkKind, LinkKindDriver> ByModelKind =
        Drivers.ToFrozenDictionary(d => d.ModelKind);

    private static readonly FrozenDictionary<string, SlaveKindDriver> SlavesByKind =
        SlaveDrivers.ToFrozenDictionary(d => d.Kind, StringComparer.Ordinal);

    /// <summary>Kinds' own fields some driver changes in place (the applier's contract, <c>InPlaceUpdates</c>).</summary>
    public static readonly FrozenSet<DetailField> InPlaceDetails =
        Drivers.SelectMany(d => d.InPlaceDetails).ToFrozenSet();

    public static LinkKindDriver? Find(string kind) => ByKind.GetValueOrDefault(kind);

    public static LinkKindDriver? Find(LinkKind kind) => ByModelKind.GetValueOrDefault(kind);

    public static SlaveKindDriver? FindSlave(string kind) => SlavesByKind.GetValueOrDefault(kind);

    /// <summary>The driver of a model link topo is asked to make; a kind without one is refused by name.</summary>
    public static LinkKindDriver For(LinkState link) =>
        Find(link.Type) ?? throw new NotSupportedException($"topo cannot create links of type {link.Type.Name()} ({link.Key})");

    public static LinkKindData Decode(string kind, ReadOnlySpan<byte> infoData) =>
        Find(kind) is { } driver ? driver.Decode(infoData) : new OpaqueKindData(kind, RawAttribute.ReadAll(infoData));

    /// <param name="observedOnly">Keep only what the model reads (observer dumps); such data is never re-encoded.</param>
    public static SlaveKindData DecodeSlave(string kind, ReadOnlySpan<byte> slaveData, bool observedOnly) =>
        FindSlave(kind) is { } driver
            ? driver.Decode(slaveData, observedOnly)
            : new OpaqueSlaveData(kind, observedOnly ? [] : RawAttribute.ReadAll(slaveData));
}

/// <summary>
/// A master kind's view of its ports (IFLA_INFO_SLAVE_KIND / IFLA_INFO_SLAVE_DATA): decodes a
/// port's settings and puts what the model has of them on the port's link.
/// </summary>
internal abstract class SlaveKindDriver
{
    public abstract string Kind { get; }

    public abstract SlaveKindData Decode(ReadOnlySpan<byte> slaveData, bool observedOnly);

    public virtual LinkState Observe(LinkState port, SlaveKindData data) => port;
}
