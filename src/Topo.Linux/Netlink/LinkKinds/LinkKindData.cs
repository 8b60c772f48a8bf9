using Topo.Linux.Netlink.Messages;

namespace Topo.Linux.Netlink.LinkKinds;

/// <summary>
/// The kind-specific part of a link (the payload of IFLA_INFO_DATA), encoded and decoded by the
/// kind's driver. The link message only carries it; it never looks inside.
/// </summary>
internal abstract class LinkKindData
{
    /// <summary>The IFLA_INFO_KIND string, e.g. "bridge".</summary>
    public abstract string Kind { get; }

    /// <summary>Writes the attributes that go inside IFLA_INFO_DATA.</summary>
    public abstract void Encode(ref NetlinkWriter writer);

    /// <summary>Whether there is anything to put in IFLA_INFO_DATA (iproute2 omits an empty nest).</summary>
    public abstract bool HasData { get; }
}

/// <summary>
/// The part of a port's link that belongs to its master's kind (IFLA_INFO_SLAVE_DATA), e.g. the
/// settings of a bridge port; decoded by the master kind's <see cref="ISlaveKindDriver"/>.
/// </summary>
internal abstract class SlaveKindData
{
    /// <summary>The IFLA_INFO_SLAVE_KIND string: the master's kind, e.g. "bridge".</summary>
    public abstract string Kind { get; }

    public abstract void Encode(ref NetlinkWriter writer);

    public abstract bool HasData { get; }
}

/// <summary>A kind no driver knows: its data is kept as bytes.</summary>
internal sealed class OpaqueKindData(string kind, IReadOnlyList<RawAttribute> attributes) : LinkKindData
{
    public override string Kind { get; } = kind;

    public IReadOnlyList<RawAttribute> Attributes { get; } = attributes;

    public override bool HasData => Attributes.Count > 0;

    public override void Encode(ref NetlinkWriter writer) => RawAttribute.WriteAll(ref writer, Attributes);
}

/// <summary>A port of a master kind no slave driver knows (a bond, a team): its data is kept as bytes.</summary>
internal sealed class OpaqueSlaveData(string kind, IReadOnlyList<RawAttribute> attributes) : SlaveKindData
{
    public override string Kind { get; } = kind;

    public IReadOnlyList<RawAttribute> Attributes { get; } = attributes;

    public override bool HasData => Attributes.Count > 0;

    public override void Encode(ref NetlinkWriter writer) => RawAttribute.WriteAll(ref writer, Attributes);
}
