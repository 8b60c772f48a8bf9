using System.Globalization;
using Topo.Core.Addressing;

namespace Topo.Core.Spec;

/// <summary>
/// Reads one entry of <c>ports:</c>: <c>[host_ip:]host_port:container_port[/tcp|/udp]</c>, where
/// both ports may be ranges of the same length (<c>8000-8100:9000-9100</c>, as Docker maps them:
/// port by port), or the long form <c>{target, published, host_ip, protocol}</c>. Random host
/// ports are refused, and so is a host range for one container port (Docker picks one port of it):
/// a port chosen at run time is not something a file can declare and keep.
/// </summary>
internal static class PortReader
{
    public static readonly string[] Keys = ["target", "published", "host_ip", "protocol"];

    public static PortSpec? Read(YNode node, DiagnosticBag bag) => node switch
    {
        YMapping map => ReadLong(map, bag),
        YScalar { Kind: ScalarKind.Int } s => RandomPort(s, s.Value, bag),
        YScalar { Kind: ScalarKind.String } s => ReadShort(s, bag),
        _ => Wrong(node, bag),
    };

    private static PortSpec? Wrong(YNode node, DiagnosticBag bag)
    {
        bag.Error(node, $"ports: expected a string such as \"8080:80\" or a mapping with target and published, got {NodeReader.Describe(node)}");
        return null;
    }

    private static PortSpec? RandomPort(YNode node, string containerPort, DiagnosticBag bag)
    {
        bag.Error(node, $"ports: '{containerPort}' gives only the container port, so Docker would pick a random host port, " +
            $"which a file cannot declare; give the host port too, e.g. \"{containerPort}:{containerPort}\"");
        return null;
    }

    private static PortSpec? ReadShort(YScalar s, DiagnosticBag bag)
    {
        var text = s.Value;
        var protocol = Protocol.Tcp;
        var slash = text.LastIndexOf('/');
        if (slash >= 0)
        {
            var p = text[(slash + 1)..];
            if (Enums.Protocol(p) is not { } proto)
            {
                bag.Error(s, $"ports: protocol '{p}' in '{text}' is not supported; use tcp or udp");
                return null;
            }
            protocol = proto;
            text = text[..slash];
        }
        IpAddress? hostIp = null;
        if (text.StartsWith('['))
        {
            // [v6]:host_port:container_port, as Docker writes an IPv6 host address.
            var close = text.IndexOf(']');
            if (close < 0 || close + 1 >= text.Length || text[close + 1] != ':' || !Ipv6Address.TryParse(text[1..close], out var v6))
            {
                bag.Error(s, $"ports: '{s.Value}' is not [ipv6_address]:host_port:container_port[/tcp|/udp]");
                return null;
            }
            if (!Publishable(v6, s, s.Value, bag)) return null;
            hostIp = v6;
            text = text[(close + 2)..];
            if (text.Count(c => c == ':') != 1)
            {
                bag.Error(s, $"ports: '{s.Value}' is not [ipv6_address]:host_port:container_port[/tcp|/udp]");
                return null;
            }
        }
        else if (text.Count(c => c == ':') > 2)
        {
            bag.Error(s, $"ports: '{s.Value}' has an IPv6 host address without brackets; write it as \"[address]:host_port:container_port\"");
            return null;
        }
        var parts = text.Split(':');
        if (parts.Length == 1 && IsPorts(parts[0])) return RandomPort(s, parts[0], bag);
        if (parts.Length == 2 && parts[0].Length == 0 && IsPorts(parts[1])) return RandomPort(s, parts[1], bag);
        if (parts.Length is < 2 or > 3 || !IsPorts(parts[^1]) || !IsPorts(parts[^2]))
        {
            bag.Error(s, $"ports: '{s.Value}' is not [host_ip:]host_port:container_port[/tcp|/udp]");
            return null;
        }
        if (parts.Length == 3)
        {
            if (!Ipv4Address.TryParse(parts[0], out var ip))
            {
                bag.Error(s, $"ports: host address '{parts[0]}' in '{s.Value}' is not an IPv4 address (an IPv6 one goes in brackets: [fd00::5]:8080:80)");
                return null;
            }
            hostIp = ip;
        }
        if (!(Ports(parts[^2], "host port", s, bag, out var host, out var hostLast) & Ports(parts[^1], "container port", s, bag, out var container, out var containerLast)))
            return null;
        var hosts = hostLast - host + 1;
        var containers = containerLast - container + 1;
        if (hosts > 1 && containers == 1)
        {
            bag.Error(s, $"ports: '{s.Value}' publishes container port {container} on one host port that Docker would pick from {parts[^2]}, " +
                $"which a file cannot declare; give one host port, e.g. \"{host}:{container}\"");
            return null;
        }
        if (hosts != containers)
        {
            bag.Error(s, $"ports: '{s.Value}' maps {hosts} host port{(hosts == 1 ? "" : "s")} onto {containers} container ports; " +
                "a range needs as many host ports as container ports (Docker: invalid ranges specified for container and host ports)");
            return null;
        }
        return new PortSpec(hostIp, host, container, protocol, bag.At(s), containers);
    }

    private static PortSpec? ReadLong(YMapping map, DiagnosticBag bag)
    {
        int? target = null, published = null;
        IpAddress? hostIp = null;
        var protocol = Protocol.Tcp;
        var ok = true;
        foreach (var (key, v) in map.Entries)
        {
            switch (key.Value)
            {
                case "target": target = LongPort(v, "target", bag); ok &= target is not null; break;
                case "published": published = LongPort(v, "published", bag); ok &= published is not null; break;
                case "host_ip":
                    hostIp = NodeReader.AnyAddress(v, "host_ip", bag);
                    ok &= hostIp is not null && (!hostIp.Value.IsV6 || Publishable(hostIp.Value.V6, v, $"host_ip {hostIp}", bag));
                    break;
                case "protocol":
                    if (NodeReader.String(v, "protocol", bag) is { } p && Enums.Protocol(p) is { } proto) protocol = proto;
                    else
                    {
                        if (v is YScalar { Kind: ScalarKind.String } bad) bag.Error(v, $"protocol: '{bad.Value}' is not supported; use tcp or udp");
                        ok = false;
                    }
                    break;
                default:
                    bag.Error(key, KeySuggester.UnknownKeyMessage("port key", key.Value, Keys));
                    ok = false;
                    break;
            }
        }
        if (target is null && ok)
        {
            bag.Error(map, "ports: a long-form port needs target (the container port)");
            return null;
        }
        if (published is null && ok)
        {
            bag.Error(map, $"ports: no published port, so Docker would pick a random host port, which a file cannot declare; add published: {target}");
            return null;
        }
        return ok && target is { } t && published is { } pub ? new PortSpec(hostIp, pub, t, protocol, bag.At(map)) : null;
    }

    /// <summary>
    /// Ports reach containers by DNAT. An IPv6 loopback or link-local destination cannot be
    /// DNATed to another interface: IPv6 has no route_localnet (what makes 127.0.0.1 work), and
    /// Docker serves [::1] only through its userland proxy, which topo does not run.
    /// </summary>
    private static bool Publishable(Ipv6Address address, YNode at, string what, DiagnosticBag bag)
    {
        if (address.IsLoopback)
            bag.Error(at, $"ports: '{what}' publishes on the IPv6 loopback [::1], which NAT cannot forward to a container " +
                "(the kernel has no IPv6 route_localnet; Docker serves [::1] only through its userland proxy, which topo does not run); " +
                "publish on 127.0.0.1 for a port only this host reaches, or on [::] or a host IPv6 address");
        else if (address.IsLinkLocal)
            bag.Error(at, $"ports: '{what}' publishes on the link-local address {address}, which NAT cannot forward to a container; " +
                "use a global or unique-local address of the host, or [::]");
        else return true;
        return false;
    }

    private static int? LongPort(YNode v, string field, DiagnosticBag bag)
    {
        if (!NodeReader.Int(v, field, bag, out var port)) return null;
        if (port is >= 1 and <= 65535) return port;
        bag.Error(v, $"{field}: port {port} is outside 1..65535");
        return null;
    }

    /// <summary><c>8080</c> or <c>8000-8100</c>: each port in 1..65535, a range not backwards.</summary>
    private static bool Ports(string text, string what, YScalar at, DiagnosticBag bag, out int first, out int last)
    {
        var dash = text.IndexOf('-');
        if (!Port(dash < 0 ? text : text[..dash], what, at, bag, out first)) return Fail(out last);
        if (dash < 0)
        {
            last = first;
            return true;
        }
        if (!Port(text[(dash + 1)..], what, at, bag, out last)) return false;
        if (last >= first) return true;
        bag.Error(at, $"ports: {what} range {text} in '{at.Value}' ends before it starts");
        return false;

        static bool Fail(out int value)
        {
            value = 0;
            return false;
        }
    }

    private static bool Port(string text, string what, YScalar at, DiagnosticBag bag, out int port)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 1 and <= 65535) return true;
        bag.Error(at, $"ports: {what} {text} in '{at.Value}' is outside 1..65535");
        return false;
    }

    /// <summary>Digits, or digits-digits.</summary>
    private static bool IsPorts(string s)
    {
        var dash = s.IndexOf('-');
        return dash < 0 ? IsDigits(s) : IsDigits(s[..dash]) && IsDigits(s[(dash + 1)..]);
    }

    private static bool IsDigits(string s)
    {
        if (s.Length == 0) return false;
        foreach (var c in s) if (!char.IsAsciiDigit(c)) return false;
        return true;
    }
}
