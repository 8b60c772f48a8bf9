using System.Collections.Immutable;
using Topo.Core.Addressing;
using Topo.Core.Resolution;
using Topo.Core.Spec;

using Topo.Core.Model;

namespace Topo.Core.Firewall;

/// <summary>
/// Topology → the nftables table of its project (<c>table ip topo-PROJECT</c>): NAT, published
/// ports, isolation between networks, internal networks and ICC, as Docker's bridge driver does
/// them, with every rule named by its comment. A pure function; the same topology always gives
/// the same rules in the same order.
/// </summary>
/// <remarks>
/// Base chain policies are all accept and the rules only drop what topo means to drop, so the
/// host's other forwarding is untouched. A user filters published ports with a table of their own
/// on the forward hook at a priority below 0 (it runs first; its drop is final).
/// Isolation towards bridges outside the project matches their interface names: <c>br-*</c>
/// (topo's and Docker's user-defined bridges) and <c>topo0</c>. Another project's bridge with a
/// custom <c>bridge_name</c> is not matched by name, but that project's own "no direct routing"
/// rule drops what enters its bridges unless it is a reply or a published port.
/// </remarks>
public static class RulesetBuilder
{
    public const string Family = "ip";
    public const string RawPrerouting = "raw-prerouting";
    public const string NatPrerouting = "nat-prerouting";
    public const string NatOutput = "nat-output";
    public const string NatPostrouting = "nat-postrouting";
    public const string FilterForward = "filter-forward";

    /// <summary>Interface names of bridges topo and Docker create, for isolation rules.</summary>
    public static readonly ImmutableArray<string> ForeignBridgePatterns = ["br-*", Naming.DefaultBridgeName];

    public static readonly ImmutableArray<ChainSpec> Chains =
    [
        new(RawPrerouting, ChainType.Filter, ChainHook.Prerouting, ChainSpec.PriorityRaw, ChainPolicy.Accept),
        new(NatPrerouting, ChainType.Nat, ChainHook.Prerouting, ChainSpec.PriorityDstNat, ChainPolicy.Accept),
        new(NatOutput, ChainType.Nat, ChainHook.Output, ChainSpec.PriorityDstNat, ChainPolicy.Accept),
        new(NatPostrouting, ChainType.Nat, ChainHook.Postrouting, ChainSpec.PrioritySrcNat, ChainPolicy.Accept),
        new(FilterForward, ChainType.Filter, ChainHook.Forward, ChainSpec.PriorityFilter, ChainPolicy.Accept),
    ];

    private static readonly Ipv4Prefix Loopback = Ipv4Prefix.Parse("127.0.0.0/8");

    /// <summary>A published port resolved to the container address it forwards to.</summary>
    private sealed record Published(string Container, PortSpec Port, ResolvedNetwork Network, Ipv4Address Target, Ipv4Address HostIp)
    {
        public string Protocol => Port.Protocol == Spec.Protocol.Udp ? "udp" : "tcp";
        public bool AnyAddress => HostIp == Ipv4Address.Any;
        public bool LoopbackOnly => Loopback.Contains(HostIp);
        public bool ReachableFromLoopback => AnyAddress || LoopbackOnly;
        public string Name => $"{HostIp}:{Port.HostPort}/{Protocol} to {Container}:{Port.ContainerPort}";
    }

    public static Ruleset Build(Topology topology)
    {
        var bridges = topology.Networks.Where(n => n.Driver == NetworkDriver.Bridge && n.BridgeName is not null).ToList();
        var published = PublishedPorts(topology);
        // Bridges that receive connections to 127.0.0.1 from the host (DNAT in output keeps the
        // loopback source): they need route_localnet, a masquerade of that source, and a guard.
        var loopbackTargets = bridges.Where(n => published.Any(p => p.Network == n && p.ReachableFromLoopback)).ToList();
        var hairpinTargets = bridges.Where(n => published.Any(p => p.Network == n)).ToList();
        // Custom bridge names of this project (br-* and topo0 are matched by the patterns already).
        var ownBridgeNames = bridges.Select(n => n.BridgeName!)
            .Where(b => !b.StartsWith("br-", StringComparison.Ordinal) && b != Naming.DefaultBridgeName).ToList();

        var rules = new List<RuleSpec>();
        var tableLabel = new Label(topology.Project, LabelRole.Firewall, topology.Project);
        Label ContainerLabel(string container) => new(topology.Project, LabelRole.Container, container);
        // Every comment starts with the label of what the rule serves: the observer reads ownership back from it.
        void Add(string chain, Label owner, string what, ExprBuilder expr)
        {
            var json = expr.Build();
            rules.Add(new RuleSpec(chain, $"{owner} {what}", json, NftText.Render(json)));
        }

        // raw prerouting: route_localnet would let a container reach the host's loopback services.
        foreach (var n in loopbackTargets)
            Add(RawPrerouting, n.Label, "loopback guard",
                new ExprBuilder().Meta("iifname", n.BridgeName!).Prefix("daddr", Loopback).Drop());

        // nat prerouting: published ports for traffic arriving at a host address (another machine,
        // or a container: hairpin). Ports on 127.0.0.1 are for the host only: no rule here.
        foreach (var p in published.Where(p => !p.LoopbackOnly))
            Add(NatPrerouting, ContainerLabel(p.Container), $"publish {p.Name}", DestinationMatch(p).Dnat(p.Target, p.Port.ContainerPort));

        // nat output: the same ports for connections made by the host itself (its addresses and 127.0.0.1).
        foreach (var p in published)
            Add(NatOutput, ContainerLabel(p.Container), $"publish {p.Name} from host", DestinationMatch(p).Dnat(p.Target, p.Port.ContainerPort));

        // nat postrouting
        foreach (var n in bridges.Where(n => !n.Internal && n.Masquerade))
            Add(NatPostrouting, n.Label, "masquerade",
                new ExprBuilder().Meta("iifname", n.BridgeName!).Meta("oifname", n.BridgeName!, negate: true)
                    .Prefix("saddr", n.Subnet).Masquerade());
        foreach (var n in hairpinTargets)
            // A container reaching a published port of its own bridge through a host address: without
            // this the reply would go container to container and bypass the host's conntrack.
            Add(NatPostrouting, n.Label, "hairpin",
                new ExprBuilder().Meta("iifname", n.BridgeName!).Meta("oifname", n.BridgeName!).CtStatus("dnat").Masquerade());
        foreach (var n in loopbackTargets)
            Add(NatPostrouting, n.Label, "masquerade loopback",
                new ExprBuilder().Meta("oifname", n.BridgeName!).Prefix("saddr", Loopback).Masquerade());

        // filter forward: first what is always dropped, then what is allowed, then isolation.
        foreach (var n in bridges.Where(n => n.Internal))
        {
            Add(FilterForward, n.Label, "internal: no forwarding out",
                new ExprBuilder().Meta("iifname", n.BridgeName!).Meta("oifname", n.BridgeName!, negate: true).Drop());
            Add(FilterForward, n.Label, "internal: no forwarding in",
                new ExprBuilder().Meta("oifname", n.BridgeName!).Meta("iifname", n.BridgeName!, negate: true).Drop());
        }
        if (bridges.Count > 0)
            Add(FilterForward, tableLabel, "allow established and related", new ExprBuilder().CtState("established", "related").Accept());
        foreach (var p in published)
            Add(FilterForward, ContainerLabel(p.Container), $"allow {p.Name}",
                new ExprBuilder().Meta("oifname", p.Network.BridgeName!).Address("daddr", p.Target)
                    .Port(p.Protocol, "dport", p.Port.ContainerPort).CtStatus("dnat").Accept());
        foreach (var n in bridges.Where(n => !n.Icc))
            Add(FilterForward, n.Label, "icc off",
                new ExprBuilder().Meta("iifname", n.BridgeName!).Meta("oifname", n.BridgeName!).Drop());
        foreach (var n in bridges.Where(n => !n.Internal))
        {
            var others = ForeignBridgePatterns.Concat(ownBridgeNames).Where(b => b != n.BridgeName);
            Add(FilterForward, n.Label, "isolate",
                new ExprBuilder().Meta("iifname", n.BridgeName!).MetaIn("oifname", others)
                    .Meta("oifname", n.BridgeName!, negate: true).Drop());
            // DNATed traffic is exempt: a published port of another project on a shared bridge
            // (the default bridge) is allowed by that project's table, not this one.
            Add(FilterForward, n.Label, "no direct routing in",
                new ExprBuilder().Meta("oifname", n.BridgeName!).Meta("iifname", n.BridgeName!, negate: true)
                    .CtStatus("dnat", negate: true).Drop());
        }

        var duplicate = rules.GroupBy(r => r.Comment).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new InvalidOperationException($"two firewall rules with the comment \"{duplicate.Key}\" (two identical port mappings?)");

        var sysctls = new List<(string, string)>();
        if (bridges.Any(n => !n.Internal)) sysctls.Add((Resolver.IpForwardSysctl, "1"));
        foreach (var n in loopbackTargets) sysctls.Add((Resolver.RouteLocalnetSysctl(n.BridgeName!), "1"));

        // Rules grouped by chain, in chain order; within a chain in the order added above.
        var ordered = Chains.SelectMany(c => rules.Where(r => r.Chain == c.Name)).ToImmutableArray();
        return new Ruleset(Family, Ruleset.TableName(topology.Project), Chains, ordered, [.. sysctls]);
    }

    private static ExprBuilder DestinationMatch(Published p)
    {
        var expr = new ExprBuilder();
        if (p.AnyAddress) expr.DestinationIsLocal();
        else expr.Address("daddr", p.HostIp);
        return expr.Port(p.Protocol, "dport", p.Port.HostPort);
    }

    /// <summary>
    /// Each container port mapping with the address it forwards to: the container's endpoint on the
    /// network that gives it its default route if that is a non-internal bridge, else its first
    /// endpoint on a non-internal bridge (Docker publishes on the gateway endpoint). Mappings with
    /// no such endpoint (host mode, internal-only; the spec checks reject the latter) get no rules.
    /// </summary>
    private static List<Published> PublishedPorts(Topology topology)
    {
        var list = new List<Published>();
        foreach (var container in topology.Containers)
        {
            if (container.Ports.IsEmpty) continue;
            var candidates = container.Endpoints
                .Select(e => (Endpoint: e, Network: topology.FindNetwork(e.Network)))
                .Where(x => x.Network is { Driver: NetworkDriver.Bridge, Internal: false, BridgeName: not null })
                .ToList();
            if (candidates.Count == 0) continue;
            var chosen = candidates.FirstOrDefault(x => x.Endpoint.DefaultRoute);
            if (chosen.Network is null) chosen = candidates[0];
            foreach (var port in container.Ports)
            {
                var hostIp = port.HostIp ?? chosen.Network!.HostBindingIpv4 ?? Ipv4Address.Any;
                list.Add(new Published(container.Name, port, chosen.Network!, chosen.Endpoint.Address, hostIp));
            }
        }
        return list;
    }
}
