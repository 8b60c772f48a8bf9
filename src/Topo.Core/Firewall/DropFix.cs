using System.Collections.Immutable;
using Topo.Core.Model;

namespace Topo.Core.Firewall;

/// <summary>
/// The one-line fix for a foreign chain that drops topo's traffic: accepts at the top of the chain
/// for exactly what it drops, written for the tool that owns the chain. A chain iptables-nft made
/// (<see cref="IsIptablesChain"/>) gets an <c>iptables</c>/<c>ip6tables</c> line, since a rule written
/// there with nft can carry expressions iptables cannot read back, and its owner manages the chain
/// with iptables anyway; any other chain gets an <c>nft</c> line.
/// </summary>
internal static class DropFix
{
    private enum MatchKind { InInterface, OutInterface, InBridge, OutBridge, Replies, Dnat, DestinationPorts }

    /// <summary>An accept's match; <paramref name="Protocol"/> only for ports.</summary>
    private sealed record Match(MatchKind Kind, string? Protocol = null);

    /// <summary>
    /// What to accept: by topo's bridge where the packet has one as an interface (as in Docker's
    /// DOCKER-USER), else replies by their state, and connections to published ports by DNAT or,
    /// before it, by the host's port. At ingress (no connection state yet) connections to published
    /// ports by the host's port, everything else by the device it enters by.
    /// </summary>
    private static SortedDictionary<Match, SortedSet<string>> Accepts(ForeignChain chain, IReadOnlyList<(TrafficClass Class, HookPacket Packet)> dropped, IReadOnlySet<string> bridges)
    {
        var accepts = new SortedDictionary<Match, SortedSet<string>>(Comparer<Match>.Create((a, b) =>
            a.Kind != b.Kind ? a.Kind.CompareTo(b.Kind) : string.CompareOrdinal(a.Protocol, b.Protocol)));
        void Add(Match match, string? value = null)
        {
            if (!accepts.TryGetValue(match, out var values)) accepts[match] = values = new SortedSet<string>(StringComparer.Ordinal);
            if (value is not null) values.Add(value);
        }
        void AddPorts(TrafficClass c)
        {
            foreach (var port in c.Ports) Add(new Match(MatchKind.DestinationPorts, port.Protocol.ToString().ToLowerInvariant()), port.HostPorts);
        }
        foreach (var (c, p) in dropped)
        {
            if (p.Family == TrafficClasses.IngressFamily)
            {
                if (p.New && !c.Ports.IsEmpty) AddPorts(c);
                else Add(new Match(MatchKind.InInterface), p.In!);
                continue;
            }
            if (p.InBridge is { } inBridge) Add(new Match(MatchKind.InBridge), inBridge);
            else if (p.OutBridge is { } outBridge) Add(new Match(MatchKind.OutBridge), outBridge);
            else if (p.In is { } i && bridges.Contains(i)) Add(new Match(MatchKind.InInterface), i);
            else if (p.Out is { } o && bridges.Contains(o)) Add(new Match(MatchKind.OutInterface), o);
            else if (!p.New) Add(new Match(MatchKind.Replies));
            else if (ChainPath.DnatSeen(chain, p) == true) Add(new Match(MatchKind.Dnat));
            else AddPorts(c);
        }
        return accepts;
    }

    /// <summary>As one nft command line, each accept inserted at the top of the chain.</summary>
    public static string Nft(ForeignTable table, ForeignChain chain, IReadOnlyList<(TrafficClass Class, HookPacket Packet)> dropped, IReadOnlySet<string> bridges)
    {
        var at = $"{table.Family} {table.Name} {chain.Name}";
        var rules = Accepts(chain, dropped, bridges).Select(kv =>
        {
            var (key, quoted) = kv.Key.Kind switch
            {
                MatchKind.InInterface => ("iifname", true),
                MatchKind.OutInterface => ("oifname", true),
                MatchKind.InBridge => ("meta ibrname", true),
                MatchKind.OutBridge => ("meta obrname", true),
                MatchKind.Replies => ("ct state established,related", false),
                MatchKind.Dnat => ("ct status dnat", false),
                _ => ($"{kv.Key.Protocol} dport", false),
            };
            var values = kv.Value.Select(v => quoted ? NftText.Quote(v) : v).ToList();
            return (Key: key, Rule: values.Count == 0 ? $"insert rule {at} {key} accept" : $"insert rule {at} {key} {{ {string.Join(", ", values)} }} accept");
        }).OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Rule);
        return $"nft '{string.Join("; ", rules)}'";
    }

    /// <summary>
    /// As iptables (family ip) or ip6tables (ip6) commands joined by <c>&amp;&amp;</c>, each inserting
    /// one accept at the top of the chain: one rule per interface and per port or range (<c>8000:8100</c>),
    /// which iptables-nft writes as native expressions (<c>multiport</c> would be an <c>xt</c> one, which
    /// nothing but iptables reads); states through <c>conntrack</c>, as Docker's rules do.
    /// </summary>
    public static string Iptables(ForeignTable table, ForeignChain chain, IReadOnlyList<(TrafficClass Class, HookPacket Packet)> dropped, IReadOnlySet<string> bridges)
    {
        var at = $"{Tool(table)}{(table.Name == "filter" ? "" : " -t " + table.Name)} -I {chain.Name}";
        var rules = new List<string>();
        foreach (var (match, values) in Accepts(chain, dropped, bridges))
        {
            switch (match.Kind)
            {
                case MatchKind.InInterface: rules.AddRange(values.Select(v => $"-i {v}")); break;
                case MatchKind.OutInterface: rules.AddRange(values.Select(v => $"-o {v}")); break;
                case MatchKind.Replies: rules.Add("-m conntrack --ctstate RELATED,ESTABLISHED"); break;
                case MatchKind.Dnat: rules.Add("-m conntrack --ctstate DNAT"); break;
                case MatchKind.DestinationPorts: rules.AddRange(values.Select(v => $"-p {match.Protocol} --dport {v.Replace('-', ':')}")); break;
                default: throw new InvalidOperationException($"{match.Kind} has no iptables form (bridge family)");
            }
        }
        return string.Join(" && ", rules.Select(r => $"{at} {r} -j ACCEPT"));
    }

    /// <summary>The command that owns an iptables-nft table of <paramref name="table"/>'s family.</summary>
    public static string Tool(ForeignTable table) => table.Family == "ip6" ? "ip6tables" : "iptables";

    /// <summary>
    /// Whether iptables-nft made the chain: a built-in chain of one of its tables (family ip or ip6),
    /// on its hook at its priority (iptables' nft.c <c>xtables_ipv4</c>: raw -300, mangle -150,
    /// nat -100 before routing and 100 after, filter 0, security 50). nft itself warns "managed by
    /// iptables-nft" only when a rule holds an <c>xt</c> expression, which the chain
    /// <c>ip6tables -P FORWARD DROP</c> alone makes (Docker 20.10's) has none of.
    /// A hand-written table that copies all of this exactly is one iptables manages as well.
    /// </summary>
    public static bool IsIptablesChain(ForeignTable table, ForeignChain chain) =>
        table.Family is "ip" or "ip6" && chain.Hook is { } hook &&
        BuiltInChains.TryGetValue((table.Name, chain.Name), out var builtIn) && builtIn.Hook == hook && builtIn.Priority == chain.Priority;

    private static readonly ImmutableDictionary<(string Table, string Chain), (string Hook, int Priority)> BuiltInChains =
        new Dictionary<(string, string), (string, int)>
        {
            [("raw", "PREROUTING")] = ("prerouting", -300),
            [("raw", "OUTPUT")] = ("output", -300),
            [("mangle", "PREROUTING")] = ("prerouting", -150),
            [("mangle", "INPUT")] = ("input", -150),
            [("mangle", "FORWARD")] = ("forward", -150),
            [("mangle", "OUTPUT")] = ("output", -150),
            [("mangle", "POSTROUTING")] = ("postrouting", -150),
            [("nat", "PREROUTING")] = ("prerouting", -100),
            [("nat", "INPUT")] = ("input", 100),
            [("nat", "OUTPUT")] = ("output", -100),
            [("nat", "POSTROUTING")] = ("postrouting", 100),
            [("filter", "INPUT")] = ("input", 0),
            [("filter", "FORWARD")] = ("forward", 0),
            [("filter", "OUTPUT")] = ("output", 0),
            [("security", "INPUT")] = ("input", 50),
            [("security", "FORWARD")] = ("forward", 50),
            [("security", "OUTPUT")] = ("output", 50),
        }.ToImmutableDictionary();
}
