using System.Collections.Immutable;
using Topo.Core.Resolution;
using Topo.Core.Spec;

namespace Topo.Core.Firewall;

/// <summary>
/// One class of topo's traffic (a TCP/IPv4 connection's packets in one direction) as each netfilter
/// hook it passes sees it. <see cref="Ports"/> are the host's published ports it is addressed to,
/// when it is a connection to them (for the fix: before DNAT only the port names it).
/// </summary>
public sealed record TrafficClass(string What, string Bridge, ImmutableArray<HookPacket> Packets)
{
    public ImmutableArray<PortSpec> Ports { get; init; } = [];
}

/// <summary>
/// The packet of a class at one hook of one family kind: <c>ip</c> (tables of family ip and inet) or
/// <c>bridge</c>. An interface is a topo bridge by name, <c>lo</c>, <c>""</c> (none: no output device
/// before routing or after local delivery), null: some interface that is no topo bridge (the outside, a
/// bridge port), name unknown, or <see cref="Unknown"/>: any, not even known not to be a topo bridge.
/// </summary>
/// <param name="Dnat">Whether the connection is DNATed once topo's <see cref="Nat"/> (if any) has bound it.</param>
public sealed record HookPacket(string Family, string Hook, string? In, string? Out, bool New, bool Dnat)
{
    /// <summary>Not a valid interface name ('/' is refused by the kernel): the device is not known at all.</summary>
    public const string Unknown = "/";

    /// <summary>topo's NAT chain that binds this (new) packet at this hook: a chain before it sees the packet untranslated.</summary>
    public TopoNat? Nat { get; init; }

    /// <summary>Bridge family: the bridge whose port the frame enters (<c>meta ibrname</c>) or leaves by (<c>meta obrname</c>).</summary>
    public string? InBridge { get; init; }

    public string? OutBridge { get; init; }
}

/// <summary>A NAT binding topo's own table makes at a hook: its nat chain's priority, and whether it is DNAT.</summary>
public sealed record TopoNat(int Priority, bool Dnat);

/// <summary>
/// The classes of traffic a project's bridge networks (not internal) carry, hop by hop:
/// <list type="bullet">
/// <item>its containers' connections out and their replies: prerouting, forward, postrouting;</item>
/// <item>where its containers publish ports, connections to them from outside and their replies
/// (DNATed by topo at dstnat), and connections the host makes to them (DNATed in output, replies
/// delivered through input);</item>
/// <item>in the bridge family, which sees every frame that enters or leaves the bridge (whether or not
/// br_netfilter is loaded): frames from the containers to the host (prerouting, input; routed
/// traffic is addressed to the gateway's MAC) and from the host to them (output, postrouting).</item>
/// </list>
/// <item>at ingress (netdev, per device, before everything): what containers send, entering by their veth
/// and, to the host or beyond, by the bridge; what the outside sends, entering by each device of the
/// host's routes through a gateway (<c>uplinks</c>);</item>
/// <item>where ICC is on and two containers or more share a bridge, their traffic with each other: the
/// bridge family's prerouting, forward and postrouting always, and with br_netfilter
/// (<see cref="BridgeNetfilterSysctl"/> = 1) the ip hooks too, the bridge as both interfaces (none
/// as the input in postrouting). Internal networks too: internal keeps the outside out, not the peers.</item>
/// </list>
/// Family ip6 sees no IPv4 packet and has no class.
/// </summary>
public static class TrafficClasses
{
    /// <summary>Bridged IPv4 passes the ip hooks (br_netfilter loaded, and on: the default, and Docker's).</summary>
    public const string BridgeNetfilterSysctl = "net.bridge.bridge-nf-call-iptables";

    private static readonly TopoNat Dnat = new(ChainSpec.PriorityDstNat, Dnat: true);
    private static readonly TopoNat Masquerade = new(ChainSpec.PrioritySrcNat, Dnat: false);

    /// <param name="bridgeNetfilter">br_netfilter sends bridged traffic through the ip hooks (observed in the host namespace).</param>
    /// <param name="uplinks">The devices of the host's routes through a gateway (not topo's): the outside's traffic enters by them.</param>
    public static List<TrafficClass> Of(Topology topology, bool bridgeNetfilter = false, IReadOnlyList<string>? uplinks = null)
    {
        var outside = uplinks ?? [];
        var classes = new List<TrafficClass>();
        foreach (var n in topology.Networks.Where(n => n.Driver == NetworkDriver.Bridge && n.BridgeName is not null))
        {
            var b = n.BridgeName!;
            // The host ends of the containers' veths: a container's frame enters the host by one, then by the bridge when it is for the host.
            var veths = topology.Containers.SelectMany(c => c.Endpoints).Where(e => e.Network == n.Name).Select(e => e.HostInterface).OfType<string>().ToList();
            if (n.Icc && topology.Containers.Count(c => c.Endpoints.Any(e => e.Network == n.Name)) >= 2)
                classes.Add(new TrafficClass($"traffic between containers on {b}", b, [.. Bridged(b, bridgeNetfilter), .. Ingress(veths, true), .. Ingress(veths, false)]));
            if (n.Internal) continue;
            var fromContainers = Frames(b, toContainers: false);
            var toContainers = Frames(b, toContainers: true);
            classes.Add(new TrafficClass($"connections from containers on {b} out", b, [
                Ip("prerouting", b, "", New: true, Dnat: false),
                Ip("forward", b, null, New: true, Dnat: false),
                Ip("postrouting", b, null, New: true, Dnat: false) with { Nat = n.Masquerade ? Masquerade : null },
                .. fromContainers, .. Ingress([.. veths, b], true)]));
            classes.Add(new TrafficClass($"replies to them on {b}", b, [
                Ip("prerouting", null, "", New: false, Dnat: false),
                Ip("forward", null, b, New: false, Dnat: false),
                Ip("postrouting", null, b, New: false, Dnat: false),
                .. toContainers, .. Ingress(outside, false)]));
            var ports = topology.Containers.Where(c => c.Endpoints.Any(e => e.Network == n.Name)).SelectMany(c => c.Ports).ToImmutableArray();
            if (ports.IsEmpty) continue;
            classes.Add(new TrafficClass($"connections to published ports on {b}", b, [
                Ip("prerouting", null, "", New: true, Dnat: true) with { Nat = Dnat },
                Ip("forward", null, b, New: true, Dnat: true),
                Ip("postrouting", null, b, New: true, Dnat: true),
                .. toContainers, .. Ingress(outside, true)]) { Ports = ports });
            classes.Add(new TrafficClass($"replies from published ports on {b}", b, [
                Ip("prerouting", b, "", New: false, Dnat: true),
                Ip("forward", b, null, New: false, Dnat: true),
                Ip("postrouting", b, null, New: false, Dnat: true),
                .. fromContainers, .. Ingress([.. veths, b], false)]));
            // The host connecting to its own address or 127.0.0.1: routed to lo first, DNATed in output.
            classes.Add(new TrafficClass($"connections from the host to published ports on {b}", b, [
                Ip("output", "", "lo", New: true, Dnat: true) with { Nat = Dnat },
                Ip("postrouting", HookPacket.Unknown, b, New: true, Dnat: true),
                .. toContainers]) { Ports = ports });
            classes.Add(new TrafficClass($"replies to the host from published ports on {b}", b, [
                Ip("prerouting", b, "", New: false, Dnat: true),
                Ip("input", b, "", New: false, Dnat: true),
                .. fromContainers, .. Ingress([.. veths, b], false)]));
        }
        return classes;
    }

    /// <summary>
    /// A frame from one port of the bridge to another, connections and replies alike: the bridge family
    /// sees it at its prerouting, forward and postrouting; the ip hooks only through br_netfilter.
    /// </summary>
    private static IEnumerable<HookPacket> Bridged(string bridge, bool bridgeNetfilter)
    {
        foreach (var isNew in (bool[])[true, false])
        {
            // Ports by some name that is no topo bridge; no output device before the forwarding decision, no input after it.
            yield return new HookPacket("bridge", "prerouting", null, "", isNew, Dnat: false) { InBridge = bridge };
            yield return new HookPacket("bridge", "forward", null, null, isNew, Dnat: false) { InBridge = bridge, OutBridge = bridge };
            yield return new HookPacket("bridge", "postrouting", "", null, isNew, Dnat: false) { OutBridge = bridge };
            if (!bridgeNetfilter) continue;
            yield return Ip("prerouting", bridge, "", isNew, Dnat: false);
            yield return Ip("forward", bridge, bridge, isNew, Dnat: false);
            yield return Ip("postrouting", "", bridge, isNew, Dnat: false);
        }
    }

    /// <summary>
    /// Ingress (family netdev, or inet's ingress hook): per device, before prerouting, so before
    /// conntrack and DNAT. Each packet enters by one named device; a chain sees it only if bound to it.
    /// </summary>
    private static IEnumerable<HookPacket> Ingress(IEnumerable<string> devices, bool isNew) =>
        devices.Select(d => new HookPacket(IngressFamily, "ingress", d, "", isNew, Dnat: false));

    /// <summary>The family kind of ingress packets: netdev tables and inet ingress chains both see them.</summary>
    public const string IngressFamily = "netdev";

    private static HookPacket Ip(string hook, string? @in, string? @out, bool New, bool Dnat) => new("ip", hook, @in, @out, New, Dnat);

    /// <summary>The bridge family's view: a port of the bridge (name unknown) and the bridge; conntrack state is not assumed there.</summary>
    private static HookPacket[] Frames(string bridge, bool toContainers) => toContainers
        ? [new("bridge", "output", HookPacket.Unknown, null, New: true, Dnat: false) { OutBridge = bridge },
           new("bridge", "postrouting", "", null, New: true, Dnat: false) { OutBridge = bridge }]
        : [new("bridge", "prerouting", null, "", New: true, Dnat: false) { InBridge = bridge },
           new("bridge", "input", null, "", New: true, Dnat: false) { InBridge = bridge }];
}
