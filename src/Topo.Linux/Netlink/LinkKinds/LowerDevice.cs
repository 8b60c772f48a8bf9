using Topo.Core.Model;
using Topo.Linux.Netlink.Messages;

namespace Topo.Linux.Netlink.LinkKinds;

/// <summary>
/// What kinds stacked on a lower device (macvlan, vlan, vxlan) share: the link is created from the
/// lower device's namespace (the host) directly into its own, and a master in its own namespace
/// can only be set once it is there.
/// </summary>
internal static class LowerDevice
{
    /// <param name="inInfoLink">False: the lower device goes in IFLA_LINK; true: the kind's data carries it (vxlan).</param>
    public static LinkCreate Create(LinkState link, ILinkPlacement placement, Func<int, LinkKindData> data, bool inInfoLink = false)
    {
        var parent = link.Parent ?? throw new InvalidOperationException($"{link.Key} has no parent");
        var elsewhere = link.Namespace != parent.Namespace;
        var lower = placement.IndexOf(parent.Namespace, parent.Name);
        var request = LinkRequests.NewLink(link.Name, data(lower), new LinkOptions(
            Mtu: link.Mtu,
            Mac: link.Mac,
            MasterIndex: !elsewhere && link.Master is { } master ? placement.IndexOf(link.Namespace, master) : null,
            NamespaceFd: elsewhere ? placement.NamespaceFd(link.Namespace) : null,
            LowerIndex: inInfoLink ? null : lower));
        return new LinkCreate(parent.Namespace, request);
    }

    public static void Configure(LinkState link, LinkMessage change, ILinkPlacement placement)
    {
        if (link.Parent is { } parent && parent.Namespace != link.Namespace && link.Master is { } master)
        {
            change.Master = placement.IndexOf(link.Namespace, master);
        }
    }
}
