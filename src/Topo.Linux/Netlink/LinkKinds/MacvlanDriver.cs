using Topo.Core.Model;
using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.Messages;

namespace Topo.Linux.Netlink.LinkKinds;

/// <summary>IFLA_MACVLAN_* (include/uapi/linux/if_link.h): the ones topo writes or reads.</summary>
internal static class IflaMacvlan
{
    public const ushort Mode = 1;      // IFLA_MACVLAN_MODE
    public const ushort Flags = 2;     // IFLA_MACVLAN_FLAGS
}

internal sealed class MacvlanData(MacvlanMode? mode, IReadOnlyList<RawAttribute> others) : LinkKindData
{
    public MacvlanData(MacvlanMode? mode) : this(mode, []) { }

    public override string Kind => MacvlanDriver.KindName;

    public MacvlanMode? Mode { get; } = mode;

    /// <summary>
    /// Attributes the kernel reports that topo does not model (flags, queue lengths), in order after
    /// the mode; a mode this code has no name for (a newer kernel's) stays here too.
    /// </summary>
    public IReadOnlyList<RawAttribute> Others { get; } = others;

    public override bool HasData => Mode is not null || Others.Count > 0;

    public override void Encode(ref NetlinkWriter writer)
    {
        if (Mode is { } mode) writer.WriteU32(IflaMacvlan.Mode, MacvlanDriver.WireValue(mode));
        RawAttribute.WriteAll(ref writer, Others);
    }
}

internal sealed class MacvlanDriver : LinkKindDriver
{
    public const string KindName = "macvlan";
    public static readonly MacvlanDriver Instance = new();

    public override string Kind => KindName;
    public override string KernelFeature => "MACVLAN support (CONFIG_MACVLAN)";
    public override LinkKind ModelKind => LinkKind.Macvlan;

    /// <summary>enum macvlan_mode (MACVLAN_MODE_*), by model mode: the one table between the two.</summary>
    private static readonly (MacvlanMode Mode, uint Wire)[] Modes =
    [
        (MacvlanMode.Private, 1),   // MACVLAN_MODE_PRIVATE
        (MacvlanMode.Vepa, 2),      // MACVLAN_MODE_VEPA
        (MacvlanMode.Bridge, 4),    // MACVLAN_MODE_BRIDGE
        (MacvlanMode.Passthru, 8),  // MACVLAN_MODE_PASSTHRU
        (MacvlanMode.Source, 16),   // MACVLAN_MODE_SOURCE
    ];

    public static uint WireValue(MacvlanMode mode) =>
        Array.Find(Modes, m => m.Mode == mode) is { Wire: not 0 } found ? found.Wire : throw new ArgumentOutOfRangeException(nameof(mode));

    private static MacvlanMode? FromWire(uint wire) => Array.FindIndex(Modes, m => m.Wire == wire) is var i and >= 0 ? Modes[i].Mode : null;

    public override LinkKindData Decode(ReadOnlySpan<byte> infoData)
    {
        MacvlanMode? mode = null;
        var others = new List<RawAttribute>();
        var reader = new AttributeReader(infoData);
        while (reader.MoveNext())
        {
            if (reader.Type == IflaMacvlan.Mode && mode is null && FromWire(reader.U32()) is { } known) mode = known;
            else others.Add(reader.Raw());
        }
        return new MacvlanData(mode, others);
    }

    public static LinkMessage Request(string name, MacvlanMode mode, LinkOptions options) =>
        LinkRequests.NewLink(name, new MacvlanData(mode), options);

    /// <summary>Created from the parent's namespace (the host) directly into the link's namespace; bridge mode unless the model says.</summary>
    public override LinkCreate Create(LinkState link, LinkState? peer, ILinkPlacement placement) =>
        LowerDevice.Create(link, placement, _ => new MacvlanData((link.Details as MacvlanDetails)?.Mode ?? MacvlanMode.Bridge));

    public override void Configure(LinkState link, LinkMessage change, ILinkPlacement placement) =>
        LowerDevice.Configure(link, change, placement);

    public override LinkState Observe(LinkState common, LinkMessage link, ILinkNeighbours neighbours) => common with
    {
        Details = link.KindData is MacvlanData data ? new MacvlanDetails(data.Mode) : null,
        Parent = link.Link is { } lower ? neighbours.Lower(link, lower) : null,
    };

    public override IReadOnlyCollection<DetailField> InPlaceDetails => [MacvlanDetails.ModeField];

    public override bool Update(DetailField field, LinkState link, LinkMessage edit)
    {
        if (field != MacvlanDetails.ModeField) return base.Update(field, link, edit);
        if ((link.Details as MacvlanDetails)?.Mode is not { } mode) return false;
        edit.KindData = new MacvlanData(mode);
        return true;
    }
}
