using System.Collections.Immutable;
using Topo.Core.Addressing;
using Topo.Core.Model;
using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.LinkKinds;
using Topo.Linux.Netlink.Messages;

namespace Topo.Linux.Observation;

/// <summary>Netlink messages of one namespace into the model's links, addresses and routes.</summary>
public sealed partial class Observer
{
    private static void AddLinks(
        NamespaceSnapshot snapshot,
        NamespaceSnapshot host,
        VethPeers peers,
        ImmutableArray<LinkState>.Builder links,
        ImmutableArray<AddressState>.Builder addresses,
        ImmutableArray<RouteState>.Builder routes,
        Label? namespaceOwner)
    {
        var isHost = namespaceOwner is null;
        var owners = new Dictionary<int, Label?>();
        foreach (var link in snapshot.Links)
        {
            if (link.Name is null) continue;
            var isLoopback = (link.Flags & InterfaceFlags.Loopback) != 0;
            Label.TryParse(link.Alias, out var owner);
            if (!isHost && isLoopback)
            {
                // The namespace's lo: its label is the NamespaceState's, but whether it is up is
                // its own (down, a container cannot reach itself). Its addresses are the kernel's.
                links.Add(ToLinkState(link, snapshot, host, peers, isLoopback) with { Owner = owner });
                continue;
            }
            owners[link.Index] = owner;
            links.Add(ToLinkState(link, snapshot, host, peers, isLoopback) with { Owner = owner });
        }

        foreach (var address in snapshot.Addresses)
        {
            if (address.Prefix is not { } prefix || !owners.TryGetValue(address.Index, out var owner)) continue;
            var linkName = snapshot.NameOf(address.Index);
            if (linkName is null) continue;
            addresses.Add(new AddressState(snapshot.Name, linkName, prefix) { Owner = owner });
        }

        foreach (var route in snapshot.Routes)
        {
            if (route.Protocol == RouteProtocol.Kernel || route.Type != RouteType.Unicast) continue;
            var device = route.OutputInterface is { } oif ? snapshot.NameOf(oif) : null;
            Label? owner = isHost
                ? (route.OutputInterface is { } i && owners.TryGetValue(i, out var o) ? o : null)
                : namespaceOwner;
            routes.Add(new RouteState(snapshot.Name, route.DestinationPrefix, (int)(route.Priority ?? 0))
            {
                Gateway = route.Gateway,
                Device = device,
                Owner = owner,
            });
        }
    }

    private static LinkState ToLinkState(
        LinkMessage link, NamespaceSnapshot snapshot, NamespaceSnapshot host,
        VethPeers peers, bool isLoopback)
    {
        var kind = link.Kind is { } k && LinkKindRegistry.Find(k) is { } driver
            ? driver.ModelKind
            : isLoopback ? LinkKind.Loopback : LinkKind.Other;
        var state = new LinkState(snapshot.Name, link.Name!, kind)
        {
            Up = link.IsUp,
            Mtu = link.Mtu is { } mtu ? (int)mtu : null,
            Mac = link.Address is { Length: LinkSizes.MacAddress } mac && !isLoopback ? MacAddress.FromBytes(mac) : null,
            Master = link.Master is { } master and > 0 ? snapshot.NameOf(master) : null,
        };
        if (state.Master is not null && link.SlaveKind == BridgeDriver.KindName && link.SlaveData is { } port)
        {
            state = state with { Isolated = port.Isolated ?? false, Hairpin = port.Hairpin ?? false };
        }
        switch (link.KindData)
        {
            case VethData when link.Link is { } peerIndex:
                state = state with { Peer = FindPeer(link, peerIndex, snapshot, peers) };
                break;
            case MacvlanData macvlan:
                state = state with { MacvlanMode = MacvlanData.ToModel(macvlan.Mode), Parent = Lower(link, snapshot, host) };
                break;
            case VlanData vlan:
                state = state with { VlanId = vlan.Id, Parent = Lower(link, snapshot, host) };
                break;
        }
        return state;
    }

    /// <summary>The lower device of a macvlan/vlan: in the same namespace, or (IFLA_LINK_NETNSID set) in the host.</summary>
    private static LinkRef? Lower(LinkMessage link, NamespaceSnapshot snapshot, NamespaceSnapshot host)
    {
        if (link.Link is not { } index || index == 0) return null;
        var where = link.LinkNetNsId is null ? snapshot : host;
        return where.NameOf(index) is { } name ? new LinkRef(where.Name, name) : null;
    }

    /// <summary>
    /// The other end of a veth: same namespace when there is no IFLA_LINK_NETNSID; else the veth
    /// in another observed namespace whose index is our IFLA_LINK and whose IFLA_LINK is our index
    /// (the host first: topo's veths always have one end there).
    /// </summary>
    private static LinkRef? FindPeer(LinkMessage link, int peerIndex, NamespaceSnapshot snapshot, VethPeers peers)
    {
        if (link.LinkNetNsId is null)
        {
            return snapshot.NameOf(peerIndex) is { } name ? new LinkRef(snapshot.Name, name) : null;
        }
        return peers.Find(link, peerIndex, snapshot);
    }
}
