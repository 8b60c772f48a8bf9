using System.Collections.Immutable;
using System.Text.Json;
using Topo.Core.Addressing;
using Topo.Core.Model;
using Topo.Core.Resolution;
using Topo.Core.Spec;

namespace Topo.Core.Firewall;

/// <summary>The named sets and maps of a project's table (their types: <see cref="RulesetBuilder.Sets"/>).</summary>
public static class FirewallSets
{
    /// <summary><c>"BR" . "BR"</c> for every bridge: "within one bridge" (nft cannot compare iifname with oifname).</summary>
    public const string SameBridge = "same-bridge";
    /// <summary>Bridges of internal networks: no forwarding in or out.</summary>
    public const string Internal = "internal";
    /// <summary>Bridges of the other networks: isolated from other bridges, no direct routing in.</summary>
    public const string External = "external";
    /// <summary>Bridges with ICC off.</summary>
    public const string IccOff = "icc-off";
    /// <summary>Bridges behind ports the host reaches through 127.0.0.1 (route_localnet=1 on them).</summary>
    public const string Localnet = "localnet";
    /// <summary><c>"BR" . SUBNET</c>: traffic leaving the network is masqueraded.</summary>
    public const string Masquerade = "masquerading";
    /// <summary>Bridges, not topo's, of the host's way out (a route through a gateway): isolation lets traffic leave through them.</summary>
    public const string UplinkBridges = "uplink-bridges";
    /// <summary><c>PROTO . HOST_IP . HOST_PORT : CONTAINER_IP . CONTAINER_PORT</c> (<c>0.0.0.0/0</c> for any host address).</summary>
    public const string Publish = "publish";
    /// <summary><c>PROTO . HOST_IP . FIRST-LAST : CONTAINER_IP</c>: a range published on the same ports, one element.</summary>
    public const string PublishRange = "publish-range";
    /// <summary><c>CONTAINER_IP . PROTO . PORTS</c>: DNATed traffic to these passes the forward drops.</summary>
    public const string Published = "published";
    /// <summary><c>C . C</c> for every container that publishes ports: reaching its own port through the host is masqueraded.</summary>
    public const string HairpinSelf = "hairpin-self";

    /// <summary>What a set holds, for plans: "set of …".</summary>
    public static string Purpose(string set) => set switch
    {
        SameBridge => "every bridge paired with itself (traffic within one bridge)",
        Internal => "the bridges of internal networks (no forwarding in or out)",
        External => "the bridges of the other networks (isolated from other bridges, no direct routing in)",
        IccOff => "the bridges with ICC off",
        Localnet => "the bridges behind ports reached through 127.0.0.1",
        Masquerade => "the bridges and subnets whose traffic out is masqueraded",
        UplinkBridges => "the bridges of the host's way out (isolation lets traffic leave through them)",
        Publish => "published ports (host address and port to container address and port)",
        PublishRange => "published port ranges (host address and ports to container address, same ports)",
        Published => "the container ports published ports lead to (allowed through)",
        HairpinSelf => "containers that publish ports (reaching their own through a host address is masqueraded)",
        _ => "what the rules look packets up in",
    };
}

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
        }

        var byName = topology.Networks.ToDictionary(n => n.Name);
        foreach (var container in topology.Containers)
        {
            if (container.Ports.IsEmpty) continue;
            if (container.PublishEndpoint(name => byName.GetValueOrDefault(name)) is not var (endpoint, network)) continue;
            var owner = container.Label;
            var target = endpoint.Address;
            var allowed = new Dictionary<string, List<(int First, int Last)>>(StringComparer.Ordinal);
            foreach (var port in container.Ports)
            {
                if (port.HostIp is { IsV6: true }) continue; // the IPv6 half is the firewall's IPv6 work (#14)
                var protocol = port.Protocol == Protocol.Udp ? "udp" : "tcp";
                var hostIp = port.HostIp?.V4 ?? network.HostBindingIpv4 ?? Ipv4Address.Any;
                var onHost = hostIp == Ipv4Address.Any ? AnyAddress : new Ipv4Prefix(hostIp, 32);
                if (hostIp == Ipv4Address.Any || Loopback(hostIp)) localnet.Add(network.BridgeName!);
                if (port.Count > 1 && port.HostPort == port.ContainerPort)
                {
                    // The same ports on both sides: one element, and DNAT keeps the port.
                    c.Add(FirewallSets.PublishRange, owner, $"publish {hostIp}:{port.HostPorts}/{protocol} to {container.Name}:{port.ContainerPorts}",
                        new ValueBuilder().Protocol(protocol).Prefix(onHost).Ports(port.HostPort, port.HostPortLast),
                        new ValueBuilder().Address(target));
                }
                else
                {
                    // nft has no NAT to a shifted port range: one element per port of a range that moves.
                    for (var i = 0; i < port.Count; i++)
                        c.Add(FirewallSets.Publish, owner, $"publish {hostIp}:{port.HostPort + i}/{protocol} to {container.Name}:{port.ContainerPort + i}",
                            new ValueBuilder().Protocol(protocol).Prefix(onHost).Port(port.HostPort + i),
                            new ValueBuilder().Address(target).Port(port.ContainerPort + i));
                }
                if (!allowed.TryGetValue(protocol, out var ranges)) allowed[protocol] = ranges = [];
                ranges.Add((port.ContainerPort, port.ContainerPortLast));
            }
            foreach (var (protocol, ranges) in allowed.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                foreach (var (first, last) in Merge(ranges))
                    c.Add(FirewallSets.Published, owner, $"allow {container.Name}:{PortSpec.Range(first, last)}/{protocol}",
                        new ValueBuilder().Address(target).Protocol(protocol).Ports(first, last));
            c.Add(FirewallSets.HairpinSelf, owner, "hairpin to itself", new ValueBuilder().Address(target).Address(target));
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
