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
        var neighbours = new LinkNeighbours(snapshot, host, peers);
        foreach (var link in snapshot.Links)
        {
            if (link.Name is null) continue;
            var isLoopback = (link.Flags & InterfaceFlags.Loopback) != 0;
            Label.TryParse(link.Alias, out var owner);
            if (!isHost && isLoopback)
            {
                // The namespace's lo: its label is the NamespaceState's, but whether it is up is
                // its own (down, a container cannot reach itself). Its addresses are the kernel's.
                links.Add(ToLinkState(link, snapshot, neighbours, isLoopback, owner));
                continue;
            }
            owners[link.Index] = owner;
            links.Add(ToLinkState(link, snapshot, neighbours, isLoopback, owner));
        }

        foreach (var address in snapshot.Addresses)
        {
            // The kernel's own (IPv6 link-local, ::1) never get here: the dump skips them (DumpModelledAddresses).
            if (address.Prefix is not { } prefix || !owners.TryGetValue(address.Index, out var owner)) continue;
            var linkName = snapshot.NameOf(address.Index);
            if (linkName is null) continue;
            addresses.Add(new AddressState(snapshot.Name, linkName, prefix) { Owner = owner });
        }

        foreach (var route in snapshot.Routes)
        {
            // proto kernel (an address's prefix route, fe80::/64) and non-unicast routes (ff00::/8 and
            // the like) never get here: the dump leaves them out (DumpModelledRoutes).
            var device = route.OutputInterface is { } oif ? snapshot.NameOf(oif) : null;
            Label? owner = isHost
                ? (route.OutputInterface is { } i && owners.TryGetValue(i, out var o) ? o : null)
                : namespaceOwner;
            // A router advertisement's route is the network's, never topo's, even in its namespace.
            if (route.Protocol == RouteProtocol.Ra) owner = null;
            routes.Add(new RouteState(snapshot.Name, route.DestinationPrefix, MetricOf(route))
            {
                Gateway = route.Gateway,
                Device = device,
                Owner = owner,
            });
        }
    }

    /// <summary>The model's metric: 0 is the family's default, which for IPv6 the kernel stores as 1024 (see the applier's ToMessage).</summary>
    private static int MetricOf(RouteMessage route)
    {
        var metric = route.Priority ?? 0;
        return route.IsIpv6 && metric == Ipv6RoutePriority.User ? 0 : (int)metric;
    }

    private static LinkState ToLinkState(LinkMessage link, NamespaceSnapshot snapshot, LinkNeighbours neighbours, bool isLoopback, Label? owner)
    {
        var driver = link.Kind is { } k ? LinkKindRegistry.Find(k) : null;
        var kind = driver?.ModelKind ?? (isLoopback ? LinkKind.Loopback : LinkKind.Other);
        var state = new LinkState(snapshot.Name, link.Name!, kind)
        {
            Up = link.IsUp,
            Mtu = link.Mtu is { } mtu ? (int)mtu : null,
            Mac = link.Address is { Length: LinkSizes.MacAddress } mac && !isLoopback ? MacAddress.FromBytes(mac) : null,
            Master = link.Master is { } master and > 0 ? snapshot.NameOf(master) : null,
            Owner = owner,
        };
        if (state.Master is not null && link.SlaveData is { } port && LinkKindRegistry.FindSlave(port.Kind) is { } slaveDriver)
        {
            state = slaveDriver.Observe(state, port);
        }
        return driver is null ? state : driver.Observe(state, link, neighbours);
    }
}

/// <summary>The links an observed link points at (lower device, veth peer), named for the model.</summary>
internal sealed class LinkNeighbours(NamespaceSnapshot snapshot, NamespaceSnapshot host, VethPeers peers) : ILinkNeighbours
{
    public LinkRef? Lower(LinkMessage link, int index)
    {
        if (index == 0) return null;
        var where = link.LinkNetNsId is null ? snapshot : host;
        return where.NameOf(index) is { } name ? new LinkRef(where.Name, name) : null;
    }

    /// <summary>
    /// Same namespace when there is no IFLA_LINK_NETNSID; else the veth in another observed
    /// namespace whose index is our IFLA_LINK and whose IFLA_LINK is our index (the host first:
    /// topo's veths always have one end there).
    /// </summary>
    public LinkRef? Peer(LinkMessage link)
    {
        if (link.Link is not { } peerIndex) return null;
        if (link.LinkNetNsId is null)
        {
            return snapshot.NameOf(peerIndex) is { } name ? new LinkRef(snapshot.Name, name) : null;
        }
        return peers.Find(link, peerIndex, snapshot);
    }
}
