using System.Collections.Immutable;
using System.Text.Json;
using Topo.Core.Addressing;
using Topo.Core.Model;
using Topo.Core.Resolution;
using Topo.Core.Spec;

namespace Topo.Core.Firewall;

/// <summary>
/// What a topology puts in its table's sets: one element per bridge and role, per published port
/// (or range), per container port allowed through, and per publishing container. Each comment starts
/// with the label of what the element serves, so plans group it there and the observer reads the
/// owner back.
/// </summary>
public static class FirewallElements
{
    private static readonly Ipv4Prefix AnyAddress = new(Ipv4Address.Any, 0);

    private sealed class Collector(string project)
    {
        public readonly List<ElementSpec> Elements = [];
        private readonly Dictionary<string, SetSpec> _sets = RulesetBuilder.Sets.ToDictionary(s => s.Name);
        private readonly HashSet<(string, string)> _keys = [];
        public readonly Label Table = FirewallResources.TableOwner(project);

        public void Add(string set, Label owner, string what, ValueBuilder key, ValueBuilder? value = null)
        {
            var spec = _sets[set];
            var keyJson = key.Build();
            var valueJson = value?.Build();
            if (!_keys.Add((set, keyJson)))
                throw new InvalidOperationException($"two elements with the key {keyJson} in set {set} (two identical port mappings?)");
            Elements.Add(new ElementSpec(set, keyJson, key.Text(spec.KeyType),
                valueJson, value?.Text(spec.DataType), $"{owner} {what}"));
        }
    }

    public static ImmutableArray<ElementSpec> Of(Topology topology)
    {
        var c = new Collector(topology.Project);
        var bridges = topology.Networks.Where(n => n.Driver == NetworkDriver.Bridge && n.BridgeName is not null).ToList();
        foreach (var uplink in topology.UplinkBridges)
            c.Add(FirewallSets.UplinkBridges, c.Table, "the host's way out", new ValueBuilder().Name(uplink));
        var localnet = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in bridges)
        {
            var b = n.BridgeName!;
            c.Add(FirewallSets.SameBridge, n.Label, "bridge", new ValueBuilder().Name(b).Name(b));
            if (n.Internal) c.Add(FirewallSets.Internal, n.Label, "internal", new ValueBuilder().Name(b));
            else c.Add(FirewallSets.External, n.Label, "isolated", new ValueBuilder().Name(b));
            if (!n.Icc) c.Add(FirewallSets.IccOff, n.Label, "icc off", new ValueBuilder().Name(b));
            if (!n.Internal && n.Masquerade) c.Add(FirewallSets.Masquerade, n.Label, "masquerade", new ValueBuilder().Name(b).Prefix(n.Subnet));
            if (!n.Internal && n.Masquerade && n.Ipv6Subnet is { } subnet6)
                c.Add(FirewallSets.Masquerade6, n.Label, "masquerade", new ValueBuilder().Name(b).Prefix(subnet6));
        }

        var byName = topology.Networks.ToDictionary(n => n.Name);
        foreach (var container in topology.Containers)
        {
            if (container.Ports.IsEmpty) continue;
            if (container.PublishEndpoint(name => byName.GetValueOrDefault(name)) is not var (endpoint, network)) continue;
            var v4 = new Family(FirewallSets.Publish, FirewallSets.PublishRange, FirewallSets.Published, FirewallSets.HairpinSelf,
                endpoint.Address.ToString());
            var v6 = endpoint.Ipv6Address is { } address6
                ? new Family(FirewallSets.Publish6, FirewallSets.PublishRange6, FirewallSets.Published6, FirewallSets.HairpinSelf6,
                    address6.ToString())
                : null;
            foreach (var port in container.Ports)
            {
                var (onHost4, onHost6) = HostAddresses(port.HostIp, network, hasIpv6: v6 is not null);
                if (onHost4 is { } hostIp)
                {
                    if (hostIp == Ipv4Address.Any || Loopback(hostIp)) localnet.Add(network.BridgeName!);
                    var onHost = hostIp == Ipv4Address.Any ? AnyAddress : new Ipv4Prefix(hostIp, 32);
                    Publish(c, container, port, v4, key => key.Prefix(onHost), hostIp.ToString());
                }
                if (onHost6 is { } prefix6)
                    Publish(c, container, port, v6!, key => key.Prefix(prefix6), $"[{prefix6.Address}]");
            }
            Family[] families = v6 is null ? [v4] : [v4, v6];
            foreach (var family in families)
            {
                if (family.Allowed.Count == 0) continue;
                foreach (var (protocol, ranges) in family.Allowed.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                    foreach (var (first, last) in Merge(ranges))
                        c.Add(family.Published, container.Label, $"allow {container.Name}:{PortSpec.Range(first, last)}/{protocol}",
                            family.Target().Protocol(protocol).Ports(first, last));
                c.Add(family.HairpinSelf, container.Label, "hairpin to itself", family.Target().Name(family.TargetText));
            }
        }
        foreach (var n in bridges.Where(n => localnet.Contains(n.BridgeName!)))
            c.Add(FirewallSets.Localnet, n.Label, "reached from 127.0.0.1", new ValueBuilder().Name(n.BridgeName!));
        return [.. c.Elements];
    }

    /// <summary>The interface name of an element of a one-field ifname set (<c>localnet</c>, <c>internal</c>, …).</summary>
    public static string NameOf(ElementSpec element)
    {
        using var doc = JsonDocument.Parse(element.Key);
        return doc.RootElement.GetString() ?? throw new InvalidOperationException($"{element.Key} is not an interface name");
    }

    private static bool Loopback(Ipv4Address address) => (address.Value >> 24) == 127;

    /// <summary>The sets of one address family, the container's address in it, and the container ports published in it.</summary>
    private sealed record Family(string Publish, string PublishRange, string Published, string HairpinSelf, string TargetText)
    {
        public readonly Dictionary<string, List<(int First, int Last)>> Allowed = new(StringComparer.Ordinal);

        /// <summary>A fresh builder that starts with the container's address.</summary>
        public ValueBuilder Target() => new ValueBuilder().Name(TargetText);
    }

    /// <summary>
    /// The host addresses a port is published on, per family. No host address: the network's
    /// host_binding_ipv4 or all IPv4 addresses, and all IPv6 addresses (<c>::/0</c>) when the
    /// container has an IPv6 address and the binding is not one IPv4 address — as Docker publishes
    /// <c>-p 8080:80</c> on 0.0.0.0 and ::. An explicit 0.0.0.0 is IPv4 only, an IPv6 literal IPv6 only
    /// (Docker 27: <c>-p 0.0.0.0:8080:80 -p [::]:8080:80</c> for both).
    /// </summary>
    private static (Ipv4Address? V4, Ipv6Prefix? V6) HostAddresses(IpAddress? hostIp, ResolvedNetwork network, bool hasIpv6)
    {
        if (hostIp is { IsV6: true } v6) return (null, hasIpv6 ? new Ipv6Prefix(v6.V6, v6.V6 == Ipv6Address.Any ? 0 : 128) : null);
        if (hostIp is { } v4) return (v4.V4, null);
        var binding = network.HostBindingIpv4 ?? Ipv4Address.Any;
        return (binding, hasIpv6 && binding == Ipv4Address.Any ? new Ipv6Prefix(Ipv6Address.Any, 0) : null);
    }

    /// <summary>One port mapping in one family: its publish (or publish-range) element(s), and its container ports allowed through.</summary>
    private static void Publish(Collector c, ResolvedContainer container, PortSpec port, Family family,
        Func<ValueBuilder, ValueBuilder> onHost, string hostText)
    {
        var protocol = port.Protocol == Protocol.Udp ? "udp" : "tcp";
        var owner = container.Label;
        if (port.Count > 1 && port.HostPort == port.ContainerPort)
        {
            // The same ports on both sides: one element, and DNAT keeps the port.
            c.Add(family.PublishRange, owner, $"publish {hostText}:{port.HostPorts}/{protocol} to {container.Name}:{port.ContainerPorts}",
                onHost(new ValueBuilder().Protocol(protocol)).Ports(port.HostPort, port.HostPortLast), family.Target());
        }
        else
        {
            // nft has no NAT to a shifted port range: one element per port of a range that moves.
            for (var i = 0; i < port.Count; i++)
                c.Add(family.Publish, owner, $"publish {hostText}:{port.HostPort + i}/{protocol} to {container.Name}:{port.ContainerPort + i}",
                    onHost(new ValueBuilder().Protocol(protocol)).Port(port.HostPort + i), family.Target().Port(port.ContainerPort + i));
        }
        if (!family.Allowed.TryGetValue(protocol, out var ranges)) family.Allowed[protocol] = ranges = [];
        ranges.Add((port.ContainerPort, port.ContainerPortLast));
    }

    /// <summary>Overlapping port ranges as one (an interval set refuses overlapping elements).</summary>
    private static IEnumerable<(int First, int Last)> Merge(List<(int First, int Last)> ranges)
    {
        ranges.Sort();
        var (first, last) = ranges[0];
        foreach (var (f, l) in ranges.Skip(1))
        {
            if (f <= last)
            {
                last = Math.Max(last, l);
                continue;
            }
            yield return (first, last);
            (first, last) = (f, l);
        }
        yield return (first, last);
    }
}
