using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.Messages;

namespace Topo.Linux.Netlink.LinkKinds;

internal sealed class MacvlanData(MacvlanModeValue? mode, IReadOnlyList<RawAttribute> others) : LinkKindData
{
    public MacvlanData(MacvlanModeValue? mode) : this(mode, []) { }

    public override string Kind => MacvlanDriver.KindName;

    public MacvlanModeValue? Mode { get; } = mode;

    /// <summary>Attributes the kernel reports that topo does not model (flags, queue lengths), in order after the mode.</summary>
    public IReadOnlyList<RawAttribute> Others { get; } = others;

    public override bool HasData => Mode is not null || Others.Count > 0;

    public override void Encode(ref NetlinkWriter writer)
    {
        if (Mode is { } mode) writer.WriteU32(IflaMacvlan.Mode, (uint)mode);
        foreach (var a in Others) a.WriteTo(ref writer);
    }

    public static Topo.Core.Model.MacvlanMode? ToModel(MacvlanModeValue? mode) => mode switch
    {
        MacvlanModeValue.Private => Topo.Core.Model.MacvlanMode.Private,
        MacvlanModeValue.Vepa => Topo.Core.Model.MacvlanMode.Vepa,
        MacvlanModeValue.Bridge => Topo.Core.Model.MacvlanMode.Bridge,
        MacvlanModeValue.Passthru => Topo.Core.Model.MacvlanMode.Passthru,
        MacvlanModeValue.Source => Topo.Core.Model.MacvlanMode.Source,
        _ => null,
    };

    public static MacvlanModeValue FromModel(Topo.Core.Model.MacvlanMode mode) => mode switch
    {
        Topo.Core.Model.MacvlanMode.Private => MacvlanModeValue.Private,
        Topo.Core.Model.MacvlanMode.Vepa => MacvlanModeValue.Vepa,
        Topo.Core.Model.MacvlanMode.Bridge => MacvlanModeValue.Bridge,
        Topo.Core.Model.MacvlanMode.Passthru => MacvlanModeValue.Passthru,
        Topo.Core.Model.MacvlanMode.Source => MacvlanModeValue.Source,
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };
}

internal sealed class MacvlanDriver : ILinkKindDriver
{
    public const string KindName = "macvlan";
    public static readonly MacvlanDriver Instance = new();

    public string Kind => KindName;
    public string KernelFeature => "MACVLAN support (CONFIG_MACVLAN)";
    public Topo.Core.Model.LinkKind ModelKind => Topo.Core.Model.LinkKind.Macvlan;

    public LinkKindData Decode(ReadOnlySpan<byte> infoData)
    {
        MacvlanModeValue? mode = null;
        var others = new List<RawAttribute>();
        var reader = new AttributeReader(infoData);
        while (reader.MoveNext())
        {
            switch (reader.Type)
            {
                case IflaMacvlan.Mode when mode is null:
                    mode = (MacvlanModeValue)reader.U32();
                    break;
                default:
                    others.Add(reader.Raw());
                    break;
            }
        }
        return new MacvlanData(mode, others);
    }

    public LinkKindData Empty() => new MacvlanData(null);
}
