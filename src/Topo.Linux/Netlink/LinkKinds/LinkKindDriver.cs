using Topo.Core.Model;
using Topo.Linux.Netlink.Messages;

namespace Topo.Linux.Netlink.LinkKinds;

/// <summary>
/// Everything topo knows about one link kind, in one place: its IFLA_INFO_DATA codec, the create
/// request for a model link of the kind, what an observed link of the kind adds to the model, the
/// kind's attributes that change in place, and the kernel feature it needs (named in the error when
/// the kernel lacks it). The applier and the observer never switch on kinds; they ask the driver
/// (<see cref="LinkKindRegistry"/>). docs/extending.md walks through adding one.
/// </summary>
internal abstract class LinkKindDriver
{
    /// <summary>The IFLA_INFO_KIND string, e.g. "bridge".</summary>
    public abstract string Kind { get; }

    public abstract LinkKind ModelKind { get; }

    /// <summary>The kernel feature this kind needs, named when the kernel answers EOPNOTSUPP, e.g. "VXLAN support (CONFIG_VXLAN)".</summary>
    public abstract string KernelFeature { get; }

    /// <summary>Decodes IFLA_INFO_DATA (empty when the kernel sent none); unknown attributes are kept.</summary>
    public abstract LinkKindData Decode(ReadOnlySpan<byte> infoData);

    /// <summary>The RTM_NEWLINK that creates <paramref name="link"/> (and <paramref name="peer"/>, for kinds made in pairs).</summary>
    public abstract LinkCreate Create(LinkState link, LinkState? peer, ILinkPlacement placement);

    /// <summary>
    /// What the kernel does not take at creation and this kind needs after it, added to the
    /// change request that labels the new link and brings it up.
    /// </summary>
    public virtual void Configure(LinkState link, LinkMessage change, ILinkPlacement placement) { }

    /// <summary>The kind's own fields of an observed link, on top of the common ones in <paramref name="common"/>.</summary>
    public virtual LinkState Observe(LinkState common, LinkMessage link, ILinkNeighbours neighbours) => common;

    /// <summary>The kind's own fields (its <see cref="LinkKindDetails"/>) that RTM_NEWLINK changes in place (in IFLA_INFO_DATA).</summary>
    public virtual IReadOnlyCollection<DetailField> InPlaceDetails => [];

    /// <summary>Sets <paramref name="field"/> of <paramref name="link"/> on <paramref name="edit"/>; false when there is nothing to send.</summary>
    public virtual bool Update(DetailField field, LinkState link, LinkMessage edit) =>
        throw new NotSupportedException($"{field.Name} of {link.Display} cannot change in place");

    /// <summary>The common attributes of a new link (name, mtu, mac, master) as the model gives them.</summary>
    protected static LinkMessage NewLink(LinkState link, LinkKindData data, ILinkPlacement placement) =>
        LinkRequests.NewLink(link.Name, data, new LinkOptions(
            Mtu: link.Mtu,
            Mac: link.Mac,
            MasterIndex: link.Master is { } master ? placement.IndexOf(link.Namespace, master) : null));
}

/// <summary>A create request and the namespace whose socket sends it (a macvlan is made from its parent's).</summary>
internal sealed record LinkCreate(string SendFrom, LinkMessage Request);

/// <summary>What a driver needs from the applier to build a create request.</summary>
internal interface ILinkPlacement
{
    /// <summary>The ifindex of a link that exists (a master, a parent).</summary>
    int IndexOf(string ns, string name);

    /// <summary>An fd of a namespace, for IFLA_NET_NS_FD (creating a link, or its peer, directly in it).</summary>
    int NamespaceFd(string ns);
}

/// <summary>What a driver needs from the observer to name the links an observed link points at.</summary>
internal interface ILinkNeighbours
{
    /// <summary>
    /// The lower device with ifindex <paramref name="index"/> (IFLA_LINK, or a kind's own attribute):
    /// in <paramref name="link"/>'s namespace, or in the host when the link names another (IFLA_LINK_NETNSID).
    /// </summary>
    LinkRef? Lower(LinkMessage link, int index);

    /// <summary>The other end of a veth, wherever it is among the observed namespaces.</summary>
    LinkRef? Peer(LinkMessage link);
}
