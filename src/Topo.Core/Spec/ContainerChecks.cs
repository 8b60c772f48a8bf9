using Topo.Core.Addressing;

namespace Topo.Core.Spec;

/// <summary>
/// Checks across containers and networks: references, network modes, static addresses and
/// published ports. One pass per concern with dictionaries, so thousands of containers stay cheap.
/// </summary>
internal static class ContainerChecks
{
    public static void Check(List<NetworkDraft> networks, List<ContainerSpec> containers, DiagnosticBag bag)
    {
        var byNetwork = new Dictionary<string, NetworkDraft>(StringComparer.Ordinal);
        foreach (var n in networks) byNetwork.TryAdd(n.Name, n);
        var byName = new Dictionary<string, ContainerSpec>(StringComparer.Ordinal);
        foreach (var c in containers) byName.TryAdd(c.Name, c);

        var taken = new Dictionary<(string Network, Ipv4Address Address), (string Container, SourceSpan At)>();
        var taken6 = new Dictionary<(string Network, Ipv6Address Address), (string Container, SourceSpan At)>();
        var published = new PublishedPorts();
        foreach (var c in containers)
        {
            CheckMode(c, byName, bag);
            if (c.Mode != NetworkModeKind.Networks) continue;
            var allInternal = c.Networks.Length > 0;
            var publishable = false;
            foreach (var a in c.Networks)
            {
                var network = CheckReference(a, byNetwork, bag, out var known);
                allInternal &= network?.Internal == true;
                // Ports are published through a bridge's NAT: the default bridge (null here), or a
                // declared non-internal bridge. Undeclared networks count, so one mistake gives one error.
                publishable |= !known || network is null || (network.Driver == NetworkDriver.Bridge && network.Internal != true);
                if (a.Ipv4 is { } ip && known) CheckStatic(c, a, ip, network, taken, bag);
                if (a.Ipv6 is { } ip6 && known) CheckStatic6(c, a, ip6, network, taken6, bag);
            }
            CheckIpv6Ports(c, byNetwork, bag);
            if (c.Ports.Length > 0 && allInternal)
                bag.Error(c.At("ports"), $"container '{c.Name}' publishes ports but is only on internal networks, which the host cannot reach into; add a non-internal network such as bridge");
            else if (c.Ports.Length > 0 && !publishable && c.Networks.Length > 0)
                bag.Error(c.At("ports"), $"container '{c.Name}' publishes ports but has no bridge network to publish them through (macvlan containers are reached at their own address); add a bridge network such as bridge, or remove ports");
            foreach (var p in c.Ports) CheckPublished(c, p, published, bag);
        }
        ModeCycles.Check(containers, byName, bag);
    }

    private static void CheckMode(ContainerSpec c, Dictionary<string, ContainerSpec> byName, DiagnosticBag bag)
    {
        if (c.Mode == NetworkModeKind.Networks) return;
        var mode = c.Mode switch
        {
            NetworkModeKind.Host => "host",
            NetworkModeKind.None => "none",
            _ => $"container:{c.ModeTarget}",
        };
        if (c.Positions.TryGetValue("networks", out var nets))
            bag.Error(nets, $"a container with network_mode: {mode} cannot also have networks; remove one of them");
        if (c.Positions.TryGetValue("ports", out var ports))
        {
            var why = c.Mode switch
            {
                NetworkModeKind.Host => "network_mode: host uses the host's ports directly; remove ports",
                NetworkModeKind.None => "network_mode: none has no network to publish on; remove ports",
                _ => $"ports belong to the namespace owner; publish them on container '{c.ModeTarget}' instead",
            };
            bag.Error(ports, $"container '{c.Name}' cannot publish ports: {why}");
        }
        if (c.Mode == NetworkModeKind.Container && c.ModeTarget is { } target)
        {
            if (target == c.Name)
                bag.Error(c.At("network_mode"), $"network_mode: container '{c.Name}' cannot share its own namespace");
            else if (!byName.ContainsKey(target))
            {
                var hint = KeySuggester.Suggest(target, [.. byName.Keys]) is { } s ? $"; did you mean '{s}'?" : "";
                bag.Error(c.At("network_mode"), $"network_mode: container '{target}' is not declared{hint}");
            }
        }
    }

    private static NetworkDraft? CheckReference(AttachmentSpec a, Dictionary<string, NetworkDraft> byNetwork, DiagnosticBag bag, out bool known)
    {
        known = false;
        if (a.Network is BuiltIns.Host or BuiltIns.None)
        {
            bag.Error(a.Span, $"'{a.Network}' is not a network to join; use network_mode: {a.Network} instead of networks");
            return null;
        }
        if (byNetwork.TryGetValue(a.Network, out var n)) { known = true; return n; }
        if (a.Network == BuiltIns.Bridge) { known = true; return null; }
        var candidates = new List<string>(byNetwork.Keys) { BuiltIns.Bridge };
        var hint = KeySuggester.Suggest(a.Network, candidates) is { } s ? $"did you mean '{s}'?" : "declare it under networks:";
        bag.Error(a.Span, $"network '{a.Network}' is not declared; {hint}");
        return null;
    }

    private static void CheckStatic(ContainerSpec c, AttachmentSpec a, Ipv4Address ip, NetworkDraft? n,
        Dictionary<(string, Ipv4Address), (string Container, SourceSpan At)> taken, DiagnosticBag bag)
    {
        var at = a.At("ipv4");
        if (n?.Subnet is not { } subnet)
        {
            bag.Error(at, $"ipv4 needs network '{a.Network}' to declare a subnet; like Docker, topo gives static addresses only on networks with a configured subnet");
            return;
        }
        if (!subnet.Contains(ip)) { bag.Error(at, $"ipv4 {ip} is outside subnet {subnet} of network '{n.Name}'"); return; }
        if (ip == subnet.First) { bag.Error(at, $"ipv4 {ip} is the network address of {subnet}"); return; }
        if (ip == subnet.Last) { bag.Error(at, $"ipv4 {ip} is the broadcast address of {subnet}"); return; }
        if (NetworkChecks.EffectiveGateway(n) is { } gw && ip == gw)
        {
            var note = n.Gateway is null ? " (the first usable address, since no gateway is given)" : "";
            bag.Error(at, $"ipv4 {ip} is the gateway of network '{n.Name}'{note}");
            return;
        }
        foreach (var aux in n.Aux)
        {
            if (aux.Address == ip) { bag.Error(at, $"ipv4 {ip} is reserved by aux address '{aux.Name}' of network '{n.Name}'"); return; }
        }
        if (taken.TryGetValue((n.Name, ip), out var owner))
            bag.Error(at, $"ipv4 {ip} on network '{n.Name}' is already given to container '{owner.Container}' (line {owner.At.Line})");
        else taken.Add((n.Name, ip), (c.Name, at));
    }

    private static void CheckStatic6(ContainerSpec c, AttachmentSpec a, Ipv6Address ip, NetworkDraft? n,
        Dictionary<(string, Ipv6Address), (string Container, SourceSpan At)> taken, DiagnosticBag bag)
    {
        var at = a.At("ipv6");
        if (n is not { EnableIpv6: true })
        {
            bag.Error(at, $"ipv6 {ip}: network '{a.Network}' has no IPv6; add enable_ipv6: true and an IPv6 subnet to it");
            return;
        }
        if (n.Ipv6Subnet is not { } subnet)
        {
            bag.Error(at, $"ipv6 needs network '{a.Network}' to declare an IPv6 subnet; like Docker, topo gives static addresses only on networks with a configured subnet");
            return;
        }
        if (!subnet.Contains(ip)) { bag.Error(at, $"ipv6 {ip} is outside subnet {subnet} of network '{n.Name}'"); return; }
        if (ip == subnet.First) { bag.Error(at, $"ipv6 {ip} is the subnet-router anycast address of {subnet}"); return; }
        if (Ipv6Checks.EffectiveGateway(n) is { } gw && ip == gw)
        {
            var note = n.Ipv6Gateway is null ? " (the first address, since no IPv6 gateway is given)" : "";
            bag.Error(at, $"ipv6 {ip} is the gateway of network '{n.Name}'{note}");
            return;
        }
        foreach (var aux in n.Aux)
        {
            if (aux.Address == ip) { bag.Error(at, $"ipv6 {ip} is reserved by aux address '{aux.Name}' of network '{n.Name}'"); return; }
        }
        if (taken.TryGetValue((n.Name, ip), out var owner))
            bag.Error(at, $"ipv6 {ip} on network '{n.Name}' is already given to container '{owner.Container}' (line {owner.At.Line})");
        else taken.Add((n.Name, ip), (c.Name, at));
    }

    /// <summary>
    /// A port on an IPv6 host address arrives through the network ports are published through
    /// (the default route's if it is a non-internal bridge, else the first such: as the resolver
    /// picks it); that network needs IPv6, or the DNAT would have no IPv6 address to lead to.
    /// </summary>
    private static void CheckIpv6Ports(ContainerSpec c, Dictionary<string, NetworkDraft> byNetwork, DiagnosticBag bag)
    {
        if (!c.Ports.Any(p => p.HostIp is { IsV6: true })) return;
        AttachmentSpec? route = null, firstBridge = null;
        foreach (var a in c.Networks)
        {
            var n = byNetwork.GetValueOrDefault(a.Network);
            if (n is null && a.Network != BuiltIns.Bridge) continue;
            if (n?.Internal == true) continue;
            if (route is null || a.GwPriority > route.GwPriority) route = a;
            if (n is null || n.Driver == NetworkDriver.Bridge) firstBridge ??= a;
        }
        var through = route is not null && (byNetwork.GetValueOrDefault(route.Network) is null or { Driver: NetworkDriver.Bridge }) ? route : firstBridge;
        if (through is null || byNetwork.GetValueOrDefault(through.Network) is { EnableIpv6: true }) return;
        foreach (var p in c.Ports.Where(p => p.HostIp is { IsV6: true }))
            bag.Error(p.Span, $"port {p} is published on an IPv6 host address, but container '{c.Name}' publishes through network '{through.Network}', which has no IPv6; add enable_ipv6: true to '{through.Network}', or publish on an IPv4 address");
    }

    /// <summary>Host ports published so far: single ports by number (thousands of them stay cheap), ranges in a list.</summary>
    private sealed class PublishedPorts
    {
        public readonly Dictionary<(int Port, Protocol Protocol), List<(PortSpec Port, string Container)>> Singles = [];
        public readonly List<(PortSpec Port, string Container)> Ranges = [];

        public IEnumerable<(PortSpec Port, string Container)> Overlapping(PortSpec p)
        {
            foreach (var r in Ranges)
                if (r.Port.Protocol == p.Protocol && r.Port.HostPort <= p.HostPortLast && p.HostPort <= r.Port.HostPortLast) yield return r;
            for (var port = p.HostPort; port <= p.HostPortLast; port++)
                if (Singles.TryGetValue((port, p.Protocol), out var list))
                    foreach (var s in list) yield return s;
        }

        public void Add(PortSpec p, string container)
        {
            if (p.Count > 1) Ranges.Add((p, container));
            else if (Singles.TryGetValue((p.HostPort, p.Protocol), out var list)) list.Add((p, container));
            else Singles.Add((p.HostPort, p.Protocol), [(p, container)]);
        }
    }

    private static void CheckPublished(ContainerSpec c, PortSpec p, PublishedPorts published, DiagnosticBag bag)
    {
        foreach (var (other, owner) in published.Overlapping(p))
        {
            if (Collide(p.HostIp, other.HostIp))
            {
                var who = owner == c.Name ? "this container" : $"container '{owner}'";
                bag.Error(p.Span, $"host port {p.HostPorts}/{Lower(p.Protocol)} on {Show(p.HostIp)} collides with {Show(other.HostIp)}:{other.HostPorts}/{Lower(other.Protocol)} published by {who} (line {other.Span.Line})");
                return;
            }
        }
        published.Add(p, c.Name);
    }

    /// <summary>
    /// No address means every address of both families; 0.0.0.0 every IPv4 one and [::] every
    /// IPv6 one; two addresses of different families never meet.
    /// </summary>
    private static bool Collide(IpAddress? a, IpAddress? b)
    {
        if (a is not { } x || b is not { } y) return true;
        if (x.IsV6 != y.IsV6) return false;
        return x == y || IsWildcard(x) || IsWildcard(y);
    }

    private static bool IsWildcard(IpAddress ip) => ip.IsV6 ? ip.V6 == Ipv6Address.Any : ip.V4 == Ipv4Address.Any;

    private static string Show(IpAddress? ip) => ip switch
    {
        null => Ipv4Address.Any.ToString(),
        { IsV6: true } v6 => $"[{v6}]",
        { } v4 => v4.ToString(),
    };

    private static string Lower(Protocol p) => p == Protocol.Tcp ? "tcp" : "udp";
}
