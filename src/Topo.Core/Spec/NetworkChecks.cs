using Topo.Core.Addressing;

namespace Topo.Core.Spec;

/// <summary>Checks that need a whole network or several networks: addresses, driver fields, shared kernel names.</summary>
internal static class NetworkChecks
{
    public const int MinMtu = 68;
    public const int MaxMtu = 65535;

    private static readonly string[] BridgeOnly = ["bridge_name", "icc", "masquerade", "host_binding_ipv4"];
    private static readonly string[] MacvlanOnly = ["parent", "mode"];

    public static void Check(List<NetworkDraft> networks, DiagnosticBag bag)
    {
        foreach (var n in networks)
        {
            CheckAddresses(n, bag);
            Ipv6Checks.Check(n, bag);
            CheckDriverFields(n, bag);
            if (n.Mtu is { } mtu && mtu is < MinMtu or > MaxMtu)
                bag.Error(n.Positions["mtu"], $"mtu {mtu} is outside {MinMtu}..{MaxMtu}");
            CheckInterfaceName(n, "bridge_name", n.BridgeName, bag);
            CheckInterfaceName(n, "parent", n.Parent, bag);
        }
        CheckShared(networks, bag);
    }

    /// <summary>The gateway the network gets: the one given, else the first usable address.</summary>
    public static Ipv4Address? EffectiveGateway(NetworkDraft n) =>
        n.Gateway ?? (n.Subnet is { Length: <= 30 } s ? s.First.Add(1) : null);

    private static void CheckAddresses(NetworkDraft n, DiagnosticBag bag)
    {
        if (n.Subnet is not { } subnet)
        {
            // Docker: "every ip-range or gateway must have a corresponding subnet".
            if (n.Ipv6Subnet is not null)
            {
                const string why = "has no IPv4 subnet to be in; add the IPv4 subnet to subnet:";
                if (n.Gateway is { } g) bag.Error(n.At("gateway"), $"gateway {g} is IPv4, but network '{n.Name}' {why}");
                if (n.IpRange is { } r) bag.Error(n.At("ip_range"), $"ip_range {r} is IPv4, but network '{n.Name}' {why}");
                foreach (var aux in n.Aux.Where(a => !a.Address.IsV6))
                    bag.Error(aux.Span, $"aux address {aux.Name} {aux.Address} is IPv4, but network '{n.Name}' {why}");
                return;
            }
            if (n.Gateway is not null) bag.Error(n.At("gateway"), "gateway needs a subnet; add subnet: to the network");
            if (n.IpRange is not null) bag.Error(n.At("ip_range"), "ip_range needs a subnet; add subnet: to the network");
            if (n.Aux.Any(a => !a.Address.IsV6)) bag.Error(n.At("aux_addresses"), "aux_addresses need a subnet; add subnet: to the network");
            return;
        }
        if (subnet.Length > 30)
            bag.Error(n.At("subnet"), $"subnet {subnet} has no room for a gateway and containers; use a /30 or shorter prefix");

        if (n.Gateway is { } gw)
        {
            if (!subnet.Contains(gw)) bag.Error(n.At("gateway"), $"gateway {gw} is outside subnet {subnet}");
            else if (gw == subnet.First && subnet.Length <= 30)
                bag.Error(n.At("gateway"), $"gateway {gw} is the network address of {subnet}; use a host address such as {subnet.First.Add(1)}");
            else if (gw == subnet.Last && subnet.Length <= 30)
                bag.Error(n.At("gateway"), $"gateway {gw} is the broadcast address of {subnet}; use a host address such as {subnet.First.Add(1)}");
        }
        if (n.IpRange is { } range && !subnet.Contains(range))
            bag.Error(n.At("ip_range"), $"ip_range {range} is not inside subnet {subnet}");
        foreach (var aux in n.Aux)
            if (!aux.Address.IsV6 && !subnet.Contains(aux.Address.V4))
                bag.Error(aux.Span, $"aux address {aux.Name} {aux.Address} is outside subnet {subnet}");
    }

    private static void CheckDriverFields(NetworkDraft n, DiagnosticBag bag)
    {
        if (!n.DriverKnown) return;
        if (n.Driver == NetworkDriver.Macvlan)
        {
            if (n.Name == BuiltIns.Bridge)
                bag.Error(n.At("driver"), "network 'bridge' is the default bridge; its driver must be bridge");
            if (n.Parent is null && !n.Positions.ContainsKey("parent"))
                bag.Error(n.Span, $"macvlan network '{n.Name}' needs parent: the host interface its containers share, e.g. parent: eth0");
            foreach (var field in BridgeOnly)
                if (n.Positions.TryGetValue(field, out var at))
                    bag.Error(at, $"{field} applies only to bridge networks; remove it from macvlan network '{n.Name}'");
        }
        else
        {
            foreach (var field in MacvlanOnly)
                if (n.Positions.TryGetValue(field, out var at))
                    bag.Error(at, $"{field} applies only to macvlan networks; network '{n.Name}' is a bridge (add driver: macvlan?)");
        }
    }

    private static void CheckInterfaceName(NetworkDraft n, string field, string? name, DiagnosticBag bag)
    {
        if (name is not null && NameRules.InterfaceName(name) is { } reason)
            bag.Error(n.At(field), $"{field} '{name}' is not a valid interface name: {reason}");
    }

    private static void CheckShared(List<NetworkDraft> networks, DiagnosticBag bag)
    {
        var parents = new Dictionary<string, NetworkDraft>(StringComparer.Ordinal);
        var bridges = new Dictionary<string, NetworkDraft>(StringComparer.Ordinal);
        for (var i = 0; i < networks.Count; i++)
        {
            var n = networks[i];
            if (n.Subnet is { } subnet)
            {
                for (var j = 0; j < i; j++)
                {
                    if (networks[j].Subnet is { } other && subnet.Overlaps(other))
                    {
                        bag.Error(n.At("subnet"), $"subnet {subnet} of network '{n.Name}' overlaps subnet {other} of network '{networks[j].Name}' (line {networks[j].At("subnet").Line})");
                        break;
                    }
                }
            }
            if (n.Ipv6Subnet is { } subnet6)
            {
                for (var j = 0; j < i; j++)
                {
                    if (networks[j].Ipv6Subnet is { } other && subnet6.Overlaps(other))
                    {
                        bag.Error(n.At(NetworkSpec.Ipv6Field("subnet")), $"subnet {subnet6} of network '{n.Name}' overlaps subnet {other} of network '{networks[j].Name}' (line {networks[j].At(NetworkSpec.Ipv6Field("subnet")).Line})");
                        break;
                    }
                }
            }
            if (n.DriverKnown && n.Driver == NetworkDriver.Macvlan && n.Parent is { } parent)
            {
                if (parents.TryGetValue(parent, out var first))
                    bag.Error(n.At("parent"), $"parent {parent} is already used by macvlan network '{first.Name}' (line {first.At("parent").Line}); a parent carries one macvlan network");
                else parents.Add(parent, n);
            }
            if (n.BridgeName is { } bridge)
            {
                if (bridge == BuiltIns.BridgeInterface && n.Name != BuiltIns.Bridge && n.Driver == NetworkDriver.Bridge)
                    bag.Error(n.At("bridge_name"), $"bridge_name {bridge} is the interface of the default bridge (network 'bridge', shared by every project); choose another name");
                else if (bridges.TryGetValue(bridge, out var first))
                    bag.Error(n.At("bridge_name"), $"bridge_name {bridge} is already used by network '{first.Name}' (line {first.At("bridge_name").Line})");
                else bridges.Add(bridge, n);
            }
        }
    }
}
