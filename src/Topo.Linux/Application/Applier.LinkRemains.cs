using Topo.Core.Addressing;
using Topo.Core.Model;
using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.Messages;

namespace Topo.Linux.Application;

public sealed partial class Applier
{
    /// <summary>
    /// What deleting a link takes with it, read from the kernel just before: the far end of a veth
    /// as it is (a replace's action carries only the new one), and the addresses and routes on each
    /// end, which the kernel removes with the link and no plan step lists. Without them a rollback
    /// gave back a veth with the new far end's name and no address (found by the rollback test).
    /// Read only for a link deleted on its own; a namespace's links go with it.
    /// </summary>
    private sealed record LinkRemains(
        LinkState? Peer,
        List<AddressState> Addresses,
        List<(LinkRef Device, RouteMessage Route)> Routes);

    private LinkRemains ReadRemains(LinkState link)
    {
        LinkState? peer = null;
        if (link is { Type: LinkKind.Veth, Peer: { } p } && Session(p.Namespace).GetLink(p.Name) is { } far)
        {
            peer = new LinkState(p.Namespace, p.Name, LinkKind.Veth)
            {
                Up = far.IsUp,
                Mtu = far.Mtu is { } mtu ? (int)mtu : null,
                Mac = far.Address is { Length: LinkSizes.MacAddress } mac ? MacAddress.FromBytes(mac) : null,
                Peer = link.Ref,
                Owner = Label.TryParse(far.Alias, out var label) ? label : null,
            };
        }
        var remains = new LinkRemains(peer, [], []);
        foreach (var end in peer is null ? [link] : new[] { link, peer })
        {
            var session = Session(end.Namespace);
            var index = IndexOf(end.Namespace, end.Name);
            foreach (var a in session.DumpAddresses())
                if (a.Index == index && !a.IsKernelMade && a.Prefix is { } prefix) remains.Addresses.Add(new AddressState(end.Namespace, end.Name, prefix));
            // The kernel's own (a prefix's route) come back with the address.
            foreach (var r in session.DumpRoutes())
                if (r.OutputInterface == index && r.Protocol != RouteProtocol.Kernel) remains.Routes.Add((end.Ref, r));
        }
        return remains;
    }

    /// <summary>The undo of a link's deletion: the link, its far end, their labels, addresses and routes, as they were.</summary>
    private void RestoreLink(LinkState link, LinkRemains remains)
    {
        Intents.Link(link.Namespace, link.Name);
        if (remains.Peer is { } peer) Intents.Link(peer.Namespace, peer.Name);
        CreateLinkObject(link, remains.Peer);
        Configure(link);
        if (remains.Peer is not null) Configure(remains.Peer);
        foreach (var address in remains.Addresses) AddAddress(address); // IPv6 on first for an IPv6 one
        foreach (var (device, r) in remains.Routes)
            Session(device.Namespace).AddRoute(r.ReAddedOn(IndexOf(device.Namespace, device.Name)), replace: false,
                $"add route {r.DestinationPrefix} via {device}");
    }
}
