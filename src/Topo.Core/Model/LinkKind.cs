using System.Collections.Immutable;

namespace Topo.Core.Model;

/// <summary>A link's kind; its printed name is the member's, folded (<see cref="EnumNames.Name(LinkKind)"/>).</summary>
public enum LinkKind { Bridge, Veth, Macvlan, Vlan, Vxlan, Loopback, Other }

/// <summary>
/// The kinds whose links carry fields of their own, and those fields: one record per kind below,
/// one line in <see cref="Shapes"/>. Together in this file, like rust-netlink's <c>InfoData</c>
/// variants, so that a new kind's model is this file alone (docs/extending.md).
/// </summary>
public static class KindDetails
{
    public static readonly ImmutableArray<DetailsShape> Shapes = [MacvlanDetails.Shape, VlanDetails.Shape, VxlanDetails.Shape];

    /// <summary>The details a link of <paramref name="kind"/> carries; null: only the common fields.</summary>
    public static DetailsShape? ShapeOf(LinkKind kind)
    {
        foreach (var shape in Shapes)
        {
            if (shape.Kind == kind) return shape;
        }
        return null;
    }
}

public enum MacvlanMode { Private, Vepa, Bridge, Passthru, Source }

/// <summary>A macvlan's mode, which the kernel changes in place.</summary>
public sealed record MacvlanDetails(MacvlanMode? Mode) : LinkKindDetails
{
    public static readonly DetailField ModeField = DetailField.Choice<MacvlanMode>("mode", m => m.Name(), forcesReplace: false);

    public static readonly DetailsShape Shape = new(LinkKind.Macvlan, [ModeField], v => new MacvlanDetails((MacvlanMode?)v(ModeField)));

    public override IEnumerable<DetailValue> Values()
    {
        if (Mode is { } mode) yield return new(ModeField, (int)mode);
    }
}

/// <summary>An 802.1Q sub-interface's VLAN id (12 bits; 4095 is reserved).</summary>
public sealed record VlanDetails(int? Id) : LinkKindDetails
{
    public static readonly DetailField IdField = DetailField.Number("vlan_id", 0, 4094, forcesReplace: true);

    public static readonly DetailsShape Shape = new(LinkKind.Vlan, [IdField], v => new VlanDetails(v(IdField)));

    public override IEnumerable<DetailValue> Values()
    {
        if (Id is { } id) yield return new(IdField, id);
    }
}

/// <summary>A VXLAN link's network identifier (24 bits) and UDP destination port; the kernel changes neither in place.</summary>
public sealed record VxlanDetails(int? Vni, int? Port) : LinkKindDetails
{
    public static readonly DetailField VniField = DetailField.Number("vni", 0, (1 << 24) - 1, forcesReplace: true);
    public static readonly DetailField PortField = DetailField.Number("dstport", 0, ushort.MaxValue, forcesReplace: true);

    public static readonly DetailsShape Shape = new(LinkKind.Vxlan, [VniField, PortField], v => new VxlanDetails(v(VniField), v(PortField)));

    public override IEnumerable<DetailValue> Values()
    {
        if (Vni is { } vni) yield return new(VniField, vni);
        if (Port is { } port) yield return new(PortField, port);
    }
}
