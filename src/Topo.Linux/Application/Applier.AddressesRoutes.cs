using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.Messages;

namespace Topo.Linux.Application;

public sealed partial class Applier
{
    private void CreateAddress(PlanAction action, AddressState address, Journal journal)
    {
        AddAddress(address);
        journal.Record(action.Id, $"added address {address.Key}", $"delete address {address.Key}", () => RemoveAddress(address));
    }

    private void DeleteAddress(PlanAction action, AddressState address, Journal journal)
    {
        var dropped = RemoveAddress(address);
        journal.Record(action.Id, $"deleted address {address.Key}", $"add address {address.Key}", () =>
        {
            AddAddress(address);
            RestoreRoutes(address, dropped);
        });
    }

    /// <summary>An IPv6 address needs IPv6 on its link first (the kernel refuses it otherwise).</summary>
    private void AddAddress(AddressState address)
    {
        if (address.Address.IsV6) EnableIpv6(address.Namespace, address.Link);
        Session(address.Namespace).AddAddress(IndexOf(address.Namespace, address.Link), address.Address, $"add address {address.Key}");
    }

    /// <summary>
    /// The link's last IPv6 address takes IPv6 with it, and so every IPv6 route through the link
    /// (the planner re-creates those it keeps): those routes, for an undo to give back.
    /// </summary>
    private List<RouteMessage> RemoveAddress(AddressState address)
    {
        Session(address.Namespace).DeleteAddress(IndexOf(address.Namespace, address.Link), address.Address, $"delete address {address.Key}");
        return address.Address.IsV6 ? DisableIpv6IfLast(address.Namespace, address.Link) : [];
    }

    private void RestoreRoutes(AddressState address, List<RouteMessage> routes)
    {
        foreach (var r in routes)
            Session(address.Namespace).AddRoute(r.ReAddedOn(IndexOf(address.Namespace, address.Link)), replace: false,
                $"add route {r.DestinationPrefix} via {address.LinkRef}");
    }

    /// <summary>
    /// The request for a route of either family. An IPv6 route of metric 0 is sent without
    /// RTA_PRIORITY, and the kernel makes it 1024 (IP6_RT_PRIO_USER), which the observer reads
    /// back as 0: the model's 0 is the family's default metric.
    /// </summary>
    private RouteMessage ToMessage(RouteState route)
    {
        var message = new RouteMessage
        {
            Family = route.Destination.IsV6 ? AddressFamily.Inet6 : AddressFamily.Inet,
            DestinationLength = (byte)route.Destination.Length,
            Destination = route.IsDefault ? null : route.Destination.Address,
            Gateway = route.Gateway,
            Priority = route.Metric != 0 ? (uint)route.Metric : null,
            OutputInterface = route.Device is { } dev ? IndexOf(route.Namespace, dev) : null,
            Scope = route.Gateway is null && route.Device is not null ? RouteScope.Link : RouteScope.Universe,
        };
        return message;
    }

    private void CreateRoute(PlanAction action, RouteState route, Journal journal)
    {
        Session(route.Namespace).AddRoute(ToMessage(route), replace: false, $"add route {route.Key}");
        journal.Record(action.Id, $"added route {route.Key}", $"delete route {route.Key}",
            () => Session(route.Namespace).DeleteRoute(ToMessage(route), $"delete route {route.Key}"));
    }

    private void ReplaceRoute(PlanAction action, RouteState before, RouteState route, Journal journal)
    {
        Session(route.Namespace).AddRoute(ToMessage(route), replace: true, $"replace route {route.Key}");
        journal.Record(action.Id, $"replaced route {route.Key}", $"replace it with the previous one",
            () => Session(route.Namespace).AddRoute(ToMessage(before), replace: true, $"restore route {before.Key}"));
    }

    private void DeleteRoute(PlanAction action, RouteState route, Journal journal)
    {
        var message = ToMessage(route);
        message.Protocol = RouteProtocol.Unspecified;
        message.Type = RouteType.Unspecified;
        message.Scope = RouteScope.Nowhere; // wildcards: match the route whatever its protocol, type and scope
        Session(route.Namespace).DeleteRoute(message, $"delete route {route.Key}");
        journal.Record(action.Id, $"deleted route {route.Key}", $"add route {route.Key}",
            () => Session(route.Namespace).AddRoute(ToMessage(route), replace: false, $"add route {route.Key}"));
    }
}
