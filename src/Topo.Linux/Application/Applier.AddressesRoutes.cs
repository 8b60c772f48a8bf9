using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.Messages;

namespace Topo.Linux.Application;

public sealed partial class Applier
{
    private void CreateAddress(PlanAction action, AddressState address, Journal journal)
    {
        var index = IndexOf(address.Namespace, address.Link);
        Session(address.Namespace).AddAddress(index, address.Address.V4, $"add address {address.Key}");
        journal.Record(action.Id, $"added address {address.Key}", $"delete address {address.Key}",
            () => Session(address.Namespace).DeleteAddress(IndexOf(address.Namespace, address.Link), address.Address.V4, $"delete address {address.Key}"));
    }

    private void DeleteAddress(PlanAction action, AddressState address, Journal journal)
    {
        var index = IndexOf(address.Namespace, address.Link);
        Session(address.Namespace).DeleteAddress(index, address.Address.V4, $"delete address {address.Key}");
        journal.Record(action.Id, $"deleted address {address.Key}", $"add address {address.Key}",
            () => Session(address.Namespace).AddAddress(IndexOf(address.Namespace, address.Link), address.Address.V4, $"add address {address.Key}"));
    }

    private RouteMessage ToMessage(RouteState route)
    {
        var message = new RouteMessage
        {
            DestinationLength = (byte)route.Destination.Length,
            Destination = route.IsDefault ? null : route.Destination.V4.Address,
            Gateway = route.Gateway?.V4,
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
