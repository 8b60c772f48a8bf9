using System.Collections.Immutable;
using Topo.Core.Addressing;
using Topo.Core.Model;
using Topo.Core.Resolution;
using Topo.Core.Spec;
using static Topo.Core.Firewall.ExprBuilder;

namespace Topo.Core.Firewall;

/// <summary>
/// Topology → the nftables table of its project (<c>table inet topo-PROJECT</c>): NAT, published
/// ports, isolation between networks, internal networks and ICC, as Docker's bridge driver does
/// them, for IPv4 and IPv6 alike. A pure function; the same topology always gives the same table.
/// </summary>
/// <remarks>
/// The rules are a fixed skeleton that looks packets up in named sets and maps; what a topology
/// has — its bridges, its published ports — are elements of those sets (<see cref="FirewallElements"/>).
/// So the number of rules does not grow with containers or ports (Docker's iptables backend adds
/// about three per published port), and a change of the topology is a change of elements, applied
/// as element additions and deletions in one transaction.
/// One inet table serves both families: the rules that match by interface (isolation, internal,
/// ICC, established) hold for both unchanged; those that match addresses have an IPv6 twin that
/// looks up the IPv6 twin of their set (<c>publish6</c>, <c>masquerading6</c>, …). The skeleton is
/// the same whether or not the topology has IPv6: only elements differ.
/// Base chain policies are all accept and the rules only drop what topo means to drop, so the
/// host's other forwarding is untouched. A user filters published ports with a table of their own
/// on the forward hook at a priority below 0 (it runs first; its drop is final).
/// </remarks>
public static class RulesetBuilder
{
    public const string Family = "inet";

    /// <summary>The family of topo's tables before IPv6 (<c>table ip topo-PROJECT</c>): still topo's, replaced by the inet one.</summary>
    public const string LegacyFamily = "ip";
    public const string RawPrerouting = "raw-prerouting";
    public const string NatPrerouting = "nat-prerouting";
    public const string NatOutput = "nat-output";
    public const string NatPostrouting = "nat-postrouting";
    public const string FilterForward = "filter-forward";

    public static readonly ImmutableArray<ChainSpec> Chains =
    [
        new(RawPrerouting, ChainType.Filter, ChainHook.Prerouting, ChainSpec.PriorityRaw, ChainPolicy.Accept),
        new(NatPrerouting, ChainType.Nat, ChainHook.Prerouting, ChainSpec.PriorityDstNat, ChainPolicy.Accept),
        new(NatOutput, ChainType.Nat, ChainHook.Output, ChainSpec.PriorityDstNat, ChainPolicy.Accept),
        new(NatPostrouting, ChainType.Nat, ChainHook.Postrouting, ChainSpec.PrioritySrcNat, ChainPolicy.Accept),
        new(FilterForward, ChainType.Filter, ChainHook.Forward, ChainSpec.PriorityFilter, ChainPolicy.Accept),
    ];

    public static readonly ImmutableArray<SetSpec> Sets =
    [
        new(FirewallSets.SameBridge, ["ifname", "ifname"], [], Interval: false),
        new(FirewallSets.Internal, ["ifname"], [], Interval: false),
        new(FirewallSets.External, ["ifname"], [], Interval: false),
        new(FirewallSets.IccOff, ["ifname"], [], Interval: false),
        new(FirewallSets.Localnet, ["ifname"], [], Interval: false),
        new(FirewallSets.Masquerade, ["ifname", "ipv4_addr"], [], Interval: true),
        new(FirewallSets.Masquerade6, ["ifname", "ipv6_addr"], [], Interval: true),
        new(FirewallSets.UplinkBridges, ["ifname"], [], Interval: false),
        new(FirewallSets.Publish, ["inet_proto", "ipv4_addr", "inet_service"], ["ipv4_addr", "inet_service"], Interval: true),
        new(FirewallSets.PublishRange, ["inet_proto", "ipv4_addr", "inet_service"], ["ipv4_addr"], Interval: true),
        new(FirewallSets.Published, ["ipv4_addr", "inet_proto", "inet_service"], [], Interval: true),
        new(FirewallSets.HairpinSelf, ["ipv4_addr", "ipv4_addr"], [], Interval: false),
        new(FirewallSets.Publish6, ["inet_proto", "ipv6_addr", "inet_service"], ["ipv6_addr", "inet_service"], Interval: true),
        new(FirewallSets.PublishRange6, ["inet_proto", "ipv6_addr", "inet_service"], ["ipv6_addr"], Interval: true),
        new(FirewallSets.Published6, ["ipv6_addr", "inet_proto", "inet_service"], [], Interval: true),
        new(FirewallSets.HairpinSelf6, ["ipv6_addr", "ipv6_addr"], [], Interval: false),
    ];

    private static readonly Ipv4Prefix Loopback = Ipv4Prefix.Parse("127.0.0.0/8");
    private static readonly Ipv6Address Ipv6Loopback = new(UInt128.One);

    /// <summary>Appended to the comment of a rule's IPv6 twin.</summary>
    private const string Ipv6 = " (IPv6)";

    private static readonly Field IifName = Field.Meta("iifname");
    private static readonly Field OifName = Field.Meta("oifname");
    private static readonly Field L4Proto = Field.Meta("l4proto");
    private static readonly Field Saddr = Field.Payload("ip", "saddr");
    private static readonly Field Daddr = Field.Payload("ip", "daddr");
    private static readonly Field Saddr6 = Field.Payload("ip6", "saddr");
    private static readonly Field Daddr6 = Field.Payload("ip6", "daddr");
    private static readonly Field Dport = Field.Payload("th", "dport");

    public static Ruleset Build(Topology topology)
    {
        var elements = FirewallElements.Of(topology);
        var bridges = topology.Networks.Where(n => n.Driver == NetworkDriver.Bridge && n.BridgeName is not null).ToList();
        var sysctls = new List<(string, string)>();
        if (bridges.Any(n => !n.Internal)) sysctls.Add((FirewallDesired.IpForwardSysctl, "1"));
        if (bridges.Any(n => !n.Internal && n.Ipv6Subnet is not null)) sysctls.Add((FirewallDesired.Ipv6ForwardSysctl, "1"));
        foreach (var e in elements.Where(e => e.Set == FirewallSets.Localnet))
            sysctls.Add((BridgeSysctls.RouteLocalnet(FirewallElements.NameOf(e)), "1"));
        // No bridge, no table: containers on macvlan or in the host's namespace need no NAT nor isolation.
        if (bridges.Count == 0) return new Ruleset(Family, Ruleset.TableName(topology.Project), Chains, [], [.. sysctls]);
        return new Ruleset(Family, Ruleset.TableName(topology.Project), Chains, Rules(topology.Project), [.. sysctls])
        {
            Sets = Sets,
            Elements = elements,
        };
    }

    /// <summary>The skeleton's rules, in chain order; every comment starts with the table's label.</summary>
    public static ImmutableArray<RuleSpec> Rules(string project)
    {
        var rules = ImmutableArray.CreateBuilder<RuleSpec>(24);
        var owner = FirewallResources.TableOwner(project);
        void Add(string chain, string what, ExprBuilder expr)
        {
            var json = expr.Build();
            rules.Add(new RuleSpec(chain, $"{owner} {what}", json, NftText.Render(json)));
        }
        ExprBuilder WithinOneBridge(ExprBuilder e) => e.Lookup(FirewallSets.SameBridge, IifName, OifName);
        ExprBuilder AcrossBridges(ExprBuilder e) => e.NotIn(FirewallSets.SameBridge, IifName, OifName);

        // raw prerouting: route_localnet (needed for ports on 127.0.0.1) would otherwise let a
        // container reach the host's loopback services.
        Add(RawPrerouting, "loopback guard", new ExprBuilder().Lookup(FirewallSets.Localnet, IifName).Prefix("daddr", Loopback).Drop());

        // nat prerouting: published ports for traffic arriving at a host address (another machine,
        // or a container: hairpin). IPv4 ports on 127.0.0.1 are for the host only. IPv6 has no
        // route_localnet: ::1 cannot be DNATed out of the host (Docker excludes it too), so the
        // host's own connections to [::1] are left alone.
        foreach (var (chain, fromHost) in new[] { (NatPrerouting, false), (NatOutput, true) })
        {
            var suffix = fromHost ? ", from the host" : "";
            ExprBuilder Local(bool v6)
            {
                var e = new ExprBuilder().DestinationIsLocal();
                if (!v6 && !fromHost) e.Prefix("daddr", Loopback, negate: true);
                if (v6 && fromHost) e.Address("daddr", Ipv6Loopback, negate: true);
                return e.MetaIn("l4proto", ["tcp", "udp"]);
            }
            Add(chain, "published ports" + suffix, Local(v6: false).DnatMap("ip", FirewallSets.Publish, L4Proto, Daddr, Dport));
            Add(chain, "published ports" + suffix + Ipv6, Local(v6: true).DnatMap("ip6", FirewallSets.Publish6, L4Proto, Daddr6, Dport));
            Add(chain, "published port ranges" + suffix, Local(v6: false).DnatMap("ip", FirewallSets.PublishRange, L4Proto, Daddr, Dport));
            Add(chain, "published port ranges" + suffix + Ipv6, Local(v6: true).DnatMap("ip6", FirewallSets.PublishRange6, L4Proto, Daddr6, Dport));
        }

        // nat postrouting
        // A container reaching its own published port through a host address: with br_netfilter the
        // DNATed packet is bridged back out of its port (hairpin mode) with no input interface, so
        // only the addresses can tell; the container must not see its own address as the source.
        Add(NatPostrouting, "hairpin to itself", new ExprBuilder().Lookup(FirewallSets.HairpinSelf, Saddr, Daddr).CtStatus("dnat").Masquerade());
        Add(NatPostrouting, "hairpin to itself" + Ipv6, new ExprBuilder().Lookup(FirewallSets.HairpinSelf6, Saddr6, Daddr6).CtStatus("dnat").Masquerade());
        // A container reaching a published port of its own bridge, routed: the reply must come
        // back through the host's conntrack, not container to container.
        Add(NatPostrouting, "hairpin", WithinOneBridge(new ExprBuilder()).CtStatus("dnat").Masquerade());
        Add(NatPostrouting, "masquerade", AcrossBridges(new ExprBuilder().Lookup(FirewallSets.Masquerade, IifName, Saddr)).Masquerade());
        // NAT66, on by default as Docker does (masquerade: false turns off both families).
        Add(NatPostrouting, "masquerade" + Ipv6, AcrossBridges(new ExprBuilder().Lookup(FirewallSets.Masquerade6, IifName, Saddr6)).Masquerade());
        Add(NatPostrouting, "masquerade loopback", new ExprBuilder().Lookup(FirewallSets.Localnet, OifName).Prefix("saddr", Loopback).Masquerade());

        // filter forward: first what is always dropped, then what is allowed, then isolation.
        // Internal networks: before "established", so making a network internal cuts its open connections.
        Add(FilterForward, "internal: no forwarding out", AcrossBridges(new ExprBuilder().Lookup(FirewallSets.Internal, IifName)).Drop());
        Add(FilterForward, "internal: no forwarding in", AcrossBridges(new ExprBuilder().Lookup(FirewallSets.Internal, OifName)).Drop());
        Add(FilterForward, "allow established and related", new ExprBuilder().CtState("established", "related").Accept());
        Add(FilterForward, "allow published ports", new ExprBuilder().CtStatus("dnat").Lookup(FirewallSets.Published, Daddr, L4Proto, Dport).Accept());
        Add(FilterForward, "allow published ports" + Ipv6, new ExprBuilder().CtStatus("dnat").Lookup(FirewallSets.Published6, Daddr6, L4Proto, Dport).Accept());
        Add(FilterForward, "icc off", WithinOneBridge(new ExprBuilder().Lookup(FirewallSets.IccOff, IifName)).Drop());
        // Isolation by the kind of the output interface, not its name: every other bridge — topo's,
        // Docker's docker0 and br-*, libvirt's virbr*, LXD's lxdbr*, one made by hand — is another
        // network, except a bridge that is the host's way out (uplink-bridges, from Observed).
        Add(FilterForward, "isolate",
            AcrossBridges(new ExprBuilder().Lookup(FirewallSets.External, IifName).Meta("oifkind", "bridge")
                .NotIn(FirewallSets.UplinkBridges, OifName)).Drop());
        // DNATed traffic is exempt: a published port of another project on a shared bridge (the
        // default bridge) is allowed by that project's table, not this one.
        Add(FilterForward, "no direct routing in",
            AcrossBridges(new ExprBuilder().Lookup(FirewallSets.External, OifName)).CtStatus("dnat", negate: true).Drop());

        // Grouped by chain, in chain order; within a chain in the order added above.
        return [.. Chains.SelectMany(c => rules.Where(r => r.Chain == c.Name))];
    }
}
