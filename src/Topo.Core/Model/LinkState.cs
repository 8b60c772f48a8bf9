using System.Globalization;
using Topo.Core.Addressing;

namespace Topo.Core.Model;

/// <summary>A link named by namespace and name (ifindex is not stable, so it is never part of the model).</summary>
public readonly record struct LinkRef(string Namespace, string Name)
{
    public override string ToString() => Namespace.Length == 0 ? Name : $"{Namespace}/{Name}";
}

/// <summary>
/// A network interface. Nullable attributes are "no opinion" on the desired side and
/// "not applicable" on the observed side. A veth's two ends are two LinkStates naming each other
/// as <see cref="Peer"/>; the end in the host namespace is the one the planner creates and deletes.
/// </summary>
public sealed record LinkState(string Namespace, string Name, LinkKind Type) : Resource
{
    public override ResourceKind Kind => ResourceKind.Link;
    public override string Namespace { get; } = Namespace;

    public bool Up { get; init; }
    public int? Mtu { get; init; }
    public MacAddress? Mac { get; init; }
    /// <summary>The bridge this link is a port of (same namespace).</summary>
    public string? Master { get; init; }
    public LinkRef? Peer { get; init; }
    /// <summary>The lower device of a macvlan, VLAN or VXLAN link (always in the host namespace).</summary>
    public LinkRef? Parent { get; init; }
    /// <summary>The fields of the link's own kind (a VXLAN link's VNI): <see cref="KindDetails.ShapeOf"/> its <see cref="Type"/>.</summary>
    public LinkKindDetails? Details { get; init; }
    /// <summary>Bridge port flag: no layer-2 path to other isolated ports (ICC off).</summary>
    public bool? Isolated { get; init; }
    public bool? Hairpin { get; init; }

    public LinkRef Ref => new(Namespace, Name);
    protected override string MakeKey() => Ref.ToString();

    public override IEnumerable<ResourceAttribute> Attributes()
    {
        yield return new(AttributeKind.Type, Type.Name(), ForcesReplace: true);
        if (Peer is { } peer) yield return new(AttributeKind.Peer, peer.ToString(), ForcesReplace: true);
        if (Parent is { } parent) yield return new(AttributeKind.Parent, parent.ToString(), ForcesReplace: true);
        if (Details is not null)
        {
            foreach (var d in Details.Values()) yield return new(d.Field, d.Text, d.Field.ForcesReplace);
        }
        yield return new(AttributeKind.Label, Owner?.ToString());
        if (Master is not null) yield return new(AttributeKind.Master, Master);
        if (Mac is { } mac) yield return new(AttributeKind.Mac, mac.ToString());
        if (Mtu is { } mtu) yield return new(AttributeKind.Mtu, mtu.ToString(CultureInfo.InvariantCulture));
        if (Isolated is { } isolated) yield return new(AttributeKind.Isolated, isolated ? "on" : "off");
        if (Hairpin is { } hairpin) yield return new(AttributeKind.Hairpin, hairpin ? "on" : "off");
        yield return new(AttributeKind.State, Up ? "up" : "down");
    }

    public override bool IsSatisfiedBy(Resource have) =>
        have is LinkState h && h.Type == Type && h.Up == Up &&
        (Peer is null || Peer == h.Peer) &&
        (Parent is null || Parent == h.Parent) &&
        (Details is null || Details.IsSatisfiedBy(h.Details)) &&
        SameLabel(Owner, h.Owner) &&
        (Master is null || Master == h.Master) &&
        (Mac is null || Mac == h.Mac) &&
        (Mtu is null || Mtu == h.Mtu) &&
        (Isolated is null || Isolated == h.Isolated) &&
        (Hairpin is null || Hairpin == h.Hairpin);
}
