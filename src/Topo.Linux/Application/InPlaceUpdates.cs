using Topo.Core.Model;
using Topo.Linux.Netlink;
using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.LinkKinds;
using Topo.Linux.Netlink.Messages;

namespace Topo.Linux.Application;

/// <summary>How an attribute that changes in place reaches the kernel; <see cref="None"/>: it cannot.</summary>
internal enum UpdatePath
{
    None,
    /// <summary>RTM_NEWLINK with only the changed attributes (<see cref="LinkEdit"/>).</summary>
    LinkRequest,
    /// <summary>The bridge port flags (IFLA_BRPORT_*), sent apart from the link request.</summary>
    BridgePort,
    /// <summary>A namespace's label is the alias of its lo.</summary>
    LoopbackAlias,
    /// <summary>The whole route again, with NLM_F_REPLACE.</summary>
    RouteReplace,
    SysctlWrite,
    /// <summary>The whole file again (its label is its first line).</summary>
    FileWrite,
    /// <summary>The table rewritten from the desired state, or its elements deleted and added.</summary>
    FirewallTable,
}

/// <summary>
/// The applier's contract with the planner, keyed by the typed attribute of each change (never
/// its printed name). An update carrying an attribute this does not know is refused before
/// anything is sent; InPlaceUpdateTests checks every attribute the model can yield against it.
/// </summary>
internal static class InPlaceUpdates
{
    public static UpdatePath PathOf(ResourceKind kind, AttributeId attribute) => (kind, attribute.Kind) switch
    {
        (ResourceKind.Link, AttributeKind.State or AttributeKind.Mtu or AttributeKind.Mac or AttributeKind.Master
            or AttributeKind.Label) => UpdatePath.LinkRequest,
        (ResourceKind.Link, AttributeKind.KindDetail) when LinkKindRegistry.InPlaceDetails.Contains(attribute.Detail!) => UpdatePath.LinkRequest,
        (ResourceKind.Link, AttributeKind.Isolated or AttributeKind.Hairpin) => UpdatePath.BridgePort,
        (ResourceKind.Namespace, AttributeKind.Label) => UpdatePath.LoopbackAlias,
        (ResourceKind.Route, AttributeKind.Via or AttributeKind.Dev) => UpdatePath.RouteReplace,
        (ResourceKind.Sysctl, AttributeKind.Value) => UpdatePath.SysctlWrite,
        (ResourceKind.NamespaceFile, AttributeKind.Label or AttributeKind.Content) => UpdatePath.FileWrite,
        (ResourceKind.FirewallTable, AttributeKind.Label) or (ResourceKind.FirewallChain, AttributeKind.Policy)
            or (ResourceKind.FirewallRule, AttributeKind.Rule)
            or (ResourceKind.FirewallElement, AttributeKind.Value or AttributeKind.Comment) => UpdatePath.FirewallTable,
        _ => UpdatePath.None,
    };
}

/// <summary>
/// The requests that change a link in place: one RTM_NEWLINK with the changed attributes (values
/// from <c>link</c>: the desired link, or the observed one on undo), and the bridge port flags.
/// One case per common attribute <see cref="InPlaceUpdates.PathOf"/> sends as
/// <see cref="UpdatePath.LinkRequest"/> or <see cref="UpdatePath.BridgePort"/>; the kind's own go to its
/// driver, which throws for any it cannot change in place.
/// </summary>
internal sealed class LinkEdit(LinkState link)
{
    public LinkMessage Message { get; } = new() { Name = link.Name };

    /// <summary>False: nothing for RTM_NEWLINK (only port flags, or values the link has no opinion on).</summary>
    public bool ChangesLink { get; private set; }

    public bool? Isolated { get; private set; }
    public bool? Hairpin { get; private set; }

    /// <param name="indexOf">The ifindex of a link in <c>link</c>'s namespace (its master).</param>
    public void Add(AttributeId attribute, Func<string, int> indexOf)
    {
        switch (attribute.Kind)
        {
            case AttributeKind.State:
                Message.Flags = link.Up ? InterfaceFlags.Up : InterfaceFlags.None;
                Message.Change = InterfaceFlags.Up;
                ChangesLink = true;
                break;
            case AttributeKind.Mtu:
                if (link.Mtu is not { } mtu) break;
                Message.Mtu = (uint)mtu;
                ChangesLink = true;
                break;
            case AttributeKind.Mac:
                if (link.Mac is not { } mac) break;
                Message.Address = LinkRequests.Mac(mac);
                ChangesLink = true;
                break;
            case AttributeKind.Master:
                Message.Master = link.Master is { } master ? indexOf(master) : 0; // 0: leave the bridge
                ChangesLink = true;
                break;
            case AttributeKind.Label:
                Message.Alias = link.Owner?.ToString() ?? "";
                ChangesLink = true;
                break;
            case AttributeKind.Isolated:
                Isolated = link.Isolated ?? false;
                break;
            case AttributeKind.Hairpin:
                Hairpin = link.Hairpin ?? false;
                break;
            case AttributeKind.KindDetail:
                // The kind's own fields (a macvlan's mode) are its driver's to send.
                var driver = LinkKindRegistry.Find(link.Type)
                    ?? throw new NotSupportedException($"{attribute.Name()} of {link.Display} cannot change in place");
                if (driver.Update(attribute.Detail!, link, Message)) ChangesLink = true;
                break;
            default:
                throw new NotSupportedException($"{attribute.Name()} of {link.Display} cannot change in place");
        }
    }
}
