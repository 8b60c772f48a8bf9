using Topo.Core.Addressing;

namespace Topo.Core.Spec;

/// <summary>
/// A network's IPv6 values: they need <c>enable_ipv6</c>, a subnet of /64 or shorter, and each
/// value inside the subnet of its own family (a gateway or ip_range has no subnet of its family
/// when the network's only subnet is IPv4, or the IPv6 one comes from the default pool).
/// </summary>
internal static class Ipv6Checks
{
    /// <summary>
    /// Longest IPv6 subnet: SLAAC, and the MAC-derived addresses of the default bridge, need 64
    /// host bits (Docker's own limit for the latter is /80); nothing gains from a longer one.
    /// </summary>
    public const int MaxSubnetLength = 64;

    /// <summary>IPv6's smallest MTU (RFC 8200): below it the kernel turns IPv6 off on an interface.</summary>
    public const int MinMtu = 1280;

    public static void Check(NetworkDraft n, DiagnosticBag bag)
    {
        var subnetAt = n.At(NetworkSpec.Ipv6Field("subnet"));
        var gatewayAt = n.At(NetworkSpec.Ipv6Field("gateway"));
        var rangeAt = n.At(NetworkSpec.Ipv6Field("ip_range"));
        if (!n.EnableIpv6)
        {
            // Docker 20.10 ignores an IPv6 subnet without --ipv6; a file that writes one means IPv6.
            var first = n.Ipv6Subnet is { } s ? (subnetAt, $"subnet {s}")
                : n.Ipv6Gateway is { } g ? (gatewayAt, $"gateway {g}")
                : n.Ipv6Range is { } r ? (rangeAt, $"ip_range {r}")
                : n.Aux.FirstOrDefault(a => a.Address.IsV6) is { } aux ? (aux.Span, $"aux address {aux.Name} {aux.Address}")
                : default;
            if (first.Item2 is not null)
                bag.Error(first.Item1, $"{first.Item2} is IPv6, but network '{n.Name}' does not enable IPv6; add enable_ipv6: true");
            return;
        }
        if (n.Mtu is { } mtu && mtu < MinMtu)
            bag.Error(n.At("mtu"), $"mtu {mtu} is below IPv6's minimum of {MinMtu}, and network '{n.Name}' enables IPv6: the kernel turns IPv6 off on such an interface; use an mtu of {MinMtu} or more");
        if (n.Ipv6Subnet is not { } subnet)
        {
            // Docker: "every ip-range or gateway must have a corresponding subnet".
            const string why = "has no IPv6 subnet to be in (the default pool's is chosen at apply); add the IPv6 subnet to subnet:";
            if (n.Ipv6Gateway is { } g) bag.Error(gatewayAt, $"gateway {g} is IPv6, but network '{n.Name}' {why}");
            if (n.Ipv6Range is { } r) bag.Error(rangeAt, $"ip_range {r} is IPv6, but network '{n.Name}' {why}");
            foreach (var aux in n.Aux.Where(a => a.Address.IsV6))
                bag.Error(aux.Span, $"aux address {aux.Name} {aux.Address} is IPv6, but network '{n.Name}' {why}");
            return;
        }
        if (subnet.Length > MaxSubnetLength)
            bag.Error(subnetAt, $"subnet {subnet} is longer than /{MaxSubnetLength}; an IPv6 network needs 64 host bits (SLAAC, MAC-derived addresses): use a /{MaxSubnetLength} or shorter prefix");
        if (n.Ipv6Gateway is { } gw)
        {
            if (!subnet.Contains(gw)) bag.Error(gatewayAt, $"gateway {gw} is outside subnet {subnet}");
            else if (gw == subnet.First)
                bag.Error(gatewayAt, $"gateway {gw} is the subnet-router anycast address of {subnet}; use a host address such as {subnet.First.Add(1)}");
        }
        if (n.Ipv6Range is { } range && !subnet.Contains(range))
            bag.Error(rangeAt, $"ip_range {range} is not inside subnet {subnet}");
        foreach (var aux in n.Aux)
            if (aux.Address.IsV6 && !subnet.Contains(aux.Address.V6))
                bag.Error(aux.Span, $"aux address {aux.Name} {aux.Address} is outside subnet {subnet}");
    }

    /// <summary>The IPv6 gateway the network gets when its subnet is declared: the one given, else <see cref="DefaultGateway"/>.</summary>
    public static Ipv6Address? EffectiveGateway(NetworkDraft n) =>
        n.Ipv6Gateway ?? (n.Ipv6Subnet is { } s ? DefaultGateway(s, n.Ipv6Range) : null);

    /// <summary>As for IPv4 (Docker's IPAM hands the gateway out first): the range's first address, else the subnet's <c>::1</c>.</summary>
    public static Ipv6Address DefaultGateway(Ipv6Prefix subnet, Ipv6Prefix? range) =>
        range is { } r && r.First != subnet.First ? r.First : subnet.First.Add(1);
}
