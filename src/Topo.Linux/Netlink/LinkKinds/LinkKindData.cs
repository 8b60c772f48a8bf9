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

/// <summary>A driver: knows one kind string and how to decode its IFLA_INFO_DATA.</summary>
internal interface ILinkKindDriver
{
    string Kind { get; }

    Topo.Core.Model.LinkKind ModelKind { get; }

    LinkKindData Decode(ReadOnlySpan<byte> infoData);

    /// <summary>Data for a link with IFLA_INFO_KIND but no IFLA_INFO_DATA.</summary>
    LinkKindData Empty();

    /// <summary>The kernel feature this kind needs, named for an error when the kernel answers EOPNOTSUPP.</summary>
    string KernelFeature { get; }
}

/// <summary>A kind no driver knows: its data is kept as bytes.</summary>
internal sealed class OpaqueKindData(string kind, IReadOnlyList<RawAttribute> attributes) : LinkKindData
{
    public override string Kind { get; } = kind;

    public IReadOnlyList<RawAttribute> Attributes { get; } = attributes;

    public override bool HasData => Attributes.Count > 0;

    public override void Encode(ref NetlinkWriter writer)
    {
        foreach (var a in Attributes) a.WriteTo(ref writer);
    }
}
