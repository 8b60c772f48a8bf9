using System.Globalization;
using Topo.Core.Addressing;

namespace Topo.Core.Model;

/// <summary>
/// A route in the main table, of either family (an IPv4 and an IPv6 default route are two routes).
/// Identity is namespace + destination + metric, as the kernel's (metric 0: the family's default,
/// which the kernel stores as 1024 for IPv6);
/// gateway and device can be replaced in place. Routes the kernel adds for an address
/// (proto kernel) are not modelled: they follow the address.
/// </summary>
public sealed record RouteState(string Namespace, IpPrefix Destination, int Metric = 0) : Resource
{
    public override ResourceKind Kind => ResourceKind.Route;
    public override string Namespace { get; } = Namespace;
    public IpAddress? Gateway { get; init; }
    public string? Device { get; init; }

    public bool IsDefault => Destination.Length == 0;

    // An IPv6 default route is "::/0": "default" alone would be the IPv4 one's key too.
    protected override string MakeKey() =>
        $"{Where(Namespace)} {(IsDefault && !Destination.IsV6 ? "default" : Destination.ToString())}{(Metric != 0 ? " metric " + Metric.ToString(CultureInfo.InvariantCulture) : "")}";

    public override IEnumerable<ResourceAttribute> Attributes()
    {
        yield return new(AttributeKind.Via, Gateway?.ToString());
        yield return new(AttributeKind.Dev, Device);
    }

    public override bool IsSatisfiedBy(Resource have) =>
        have is RouteState h && (Gateway is null || Gateway == h.Gateway) && (Device is null || Device == h.Device);
}
