using System.Text.Json;
using Topo.Core.Model;

namespace Topo.Core.Firewall;

/// <summary>What a chain does to a <see cref="HookPacket"/>; <see cref="By"/> says why when it drops.</summary>
public sealed record PathOutcome(PathVerdict Verdict, string? By = null);

public enum PathVerdict
{
    Accepted,
    Dropped,
    /// <summary>A rule we cannot evaluate may decide: nothing is said (no false alarm).</summary>
    Unknown,
    /// <summary>The chain ended (or returned) without a verdict.</summary>
    FellThrough,
}

/// <summary>
/// Walks a foreign base chain for one packet of a traffic class, following jumps and gotos into the
/// table's regular chains, in three-valued logic: a match is yes, no or unknown (anything but
/// interface and bridge names, ct state, ct status dnat, the layer-4 protocol and the IP family is
/// unknown). Only a drop that happens on every path is reported: an unknown rule that might accept
/// stops the walk.
/// </summary>
/// <remarks>
/// Where the chain sits matters. A nat chain sees only a connection's first packet, and nat chains of
/// one hook are asked in priority order until one binds (nf_nat_inet_fn): one after topo's binding
/// nat chain never sees the packet. A filter chain before topo's DNAT (priority below dstnat) sees
/// the packet untranslated: no <c>ct status dnat</c> yet.
/// </remarks>
public static class ChainPath
{
    private const int MaxDepth = 16;

    /// <param name="bridges">Every topo bridge: "the outside" is none of them.</param>
    /// <param name="ipv6">The packet is the class's TCP/IPv6 twin (an ip6 or inet table, a network with IPv6).</param>
    public static PathOutcome Walk(ForeignTable table, ForeignChain baseChain, HookPacket packet, IReadOnlySet<string> bridges, bool ipv6 = false)
    {
        if (baseChain.Type == "nat")
        {
            if (!packet.New) return new PathOutcome(PathVerdict.Accepted);
            if (packet.Nat is { } nat && baseChain.Priority > nat.Priority) return new PathOutcome(PathVerdict.Accepted);
            if (packet.Nat is { } same && baseChain.Priority == same.Priority) return new PathOutcome(PathVerdict.Unknown);   // order among equals is not defined
        }
        var dnat = DnatSeen(baseChain, packet);
        var view = new View(packet, dnat, bridges, table.Family == "bridge", ipv6) { Ingress = packet.Family == TrafficClasses.IngressFamily };
        var result = Chain(table, baseChain, view, 0);
        if (result.Verdict != PathVerdict.FellThrough) return result;
        return baseChain.Policy == "drop" ? new PathOutcome(PathVerdict.Dropped, "its policy drop (no rule accepts it)") : new PathOutcome(PathVerdict.Accepted);
    }

    /// <summary>Whether the chain sees the connection DNATed: after topo's DNAT binding, or not one made at this hook; null when unordered.</summary>
    public static bool? DnatSeen(ForeignChain chain, HookPacket packet)
    {
        if (packet.Nat is not { Dnat: true } nat) return packet.Dnat;
        // Every nat chain runs inside the nat hook at dstnat's priority, before topo's when its priority is lower.
        if (chain.Type == "nat") return chain.Priority < nat.Priority ? false : null;
        return chain.Priority > nat.Priority ? true : chain.Priority < nat.Priority ? false : null;
    }

    /// <summary>The packet as the chain sees it.</summary>
    private sealed record View(HookPacket Packet, bool? Dnat, IReadOnlySet<string> Bridges, bool BridgeFamily, bool Ipv6)
    {
        /// <summary>At ingress: before conntrack, and with the link-layer header, as in the bridge family.</summary>
        public bool Ingress { get; init; }

        public bool Conntrack => !BridgeFamily && !Ingress;
    }

    private static PathOutcome Chain(ForeignTable table, ForeignChain chain, View packet, int depth)
    {
        if (depth > MaxDepth) return new PathOutcome(PathVerdict.Unknown);
        foreach (var rule in chain.Rules)
        {
            using var doc = JsonDocument.Parse(rule.Expression);
            var match = Match.Yes;
            JsonElement? verdict = null;
            foreach (var statement in doc.RootElement.EnumerateArray())
            {
                if (IsVerdict(statement)) verdict = statement;
                else match = And(match, Condition(statement, packet));
            }
            if (match == Match.No || verdict is not { } v) continue;
            var by = $"rule \"{NftText.Render(rule.Expression)}\" (chain {chain.Name}, handle {rule.Handle})";
            var name = v.EnumerateObject().First().Name;
            var body = v.EnumerateObject().First().Value;
            switch (name)
            {
                // A NAT statement ends a nat chain with the binding made: the packet goes on.
                case "accept" or "snat" or "dnat" or "masquerade" or "redirect":
                    if (match == Match.Yes) return new PathOutcome(PathVerdict.Accepted);
                    return new PathOutcome(PathVerdict.Unknown);
                case "drop" or "reject":
                case "xt" when IsDropTarget(body):
                    // Unknown: dropped here or by what follows; said only if what follows drops too.
                    if (match == Match.Yes) return new PathOutcome(PathVerdict.Dropped, by);
                    continue;
                case "return":
                    if (match == Match.Yes) return new PathOutcome(PathVerdict.FellThrough);
                    return new PathOutcome(PathVerdict.Unknown);
                case "jump" or "goto":
                    var target = body.TryGetProperty("target", out var t) ? table.FindChain(t.GetString() ?? "") : null;
                    if (target is null) return new PathOutcome(PathVerdict.Unknown);
                    var inner = Chain(table, target, packet, depth + 1);
                    if (match == Match.Yes)
                    {
                        if (inner.Verdict != PathVerdict.FellThrough) return inner;
                        if (name == "goto") return inner;   // a goto does not come back here
                        continue;
                    }
                    if (inner.Verdict is PathVerdict.Dropped || (inner.Verdict == PathVerdict.FellThrough && name == "jump")) continue;
                    return new PathOutcome(PathVerdict.Unknown);
                default:
                    return new PathOutcome(PathVerdict.Unknown);   // queue, an iptables target, …
            }
        }
        return new PathOutcome(PathVerdict.FellThrough);
    }

    private enum Match { Yes, No, Unknown }

    private static Match And(Match a, Match b) =>
        a == Match.No || b == Match.No ? Match.No : a == Match.Unknown || b == Match.Unknown ? Match.Unknown : Match.Yes;

    private static Match Of(bool value) => value ? Match.Yes : Match.No;

    private static Match Of(bool? value) => value is { } v ? Of(v) : Match.Unknown;

    private static bool IsVerdict(JsonElement s) =>
        s.ValueKind == JsonValueKind.Object && s.EnumerateObject().FirstOrDefault().Name is { } n &&
        (n is "accept" or "drop" or "reject" or "return" or "jump" or "goto" or "queue" or "snat" or "dnat" or "masquerade" or "redirect" ||
         (n == "xt" && s.GetProperty("xt").TryGetProperty("type", out var type) && type.GetString() == "target" && !IsLog(s.GetProperty("xt"))));

    private static bool IsDropTarget(JsonElement xt) => xt.TryGetProperty("name", out var n) && n.GetString() is "REJECT" or "DROP";

    private static bool IsLog(JsonElement xt) => xt.TryGetProperty("name", out var n) && n.GetString() is "LOG" or "NFLOG";

    /// <summary>One statement that is not a verdict: a match, or something that does not decide (counter, log, …).</summary>
    private static Match Condition(JsonElement statement, View packet)
    {
        if (statement.ValueKind != JsonValueKind.Object) return Match.Unknown;
        var property = statement.EnumerateObject().First();
        switch (property.Name)
        {
            case "counter" or "log" or "mangle" or "notrack":
            case "xt" when IsLog(property.Value):
                return Match.Yes;
            case "match":
                var m = property.Value;
                if (!m.TryGetProperty("left", out var left) || !m.TryGetProperty("right", out var right) || !m.TryGetProperty("op", out var opElement))
                    return Match.Unknown;
                var result = Compare(left, right, packet);
                return opElement.GetString() switch
                {
                    "==" or "in" => result,
                    "!=" => result switch { Match.Yes => Match.No, Match.No => Match.Yes, _ => Match.Unknown },
                    _ => Match.Unknown,
                };
            default:
                return Match.Unknown;
        }
    }

    /// <summary>Whether the packet's field equals (one of) the right side.</summary>
    private static Match Compare(JsonElement left, JsonElement right, View view)
    {
        var values = Values(right);
        if (values is null) return Match.Unknown;
        var packet = view.Packet;
        if (left.TryGetProperty("meta", out var meta) && meta.TryGetProperty("key", out var key))
        {
            switch (key.GetString())
            {
                case "iifname": return Interface(packet.In, values, view.Bridges);
                case "oifname": return Interface(packet.Out, values, view.Bridges);
                // By index: no device is no match at all, even for "!=".
                case "iif" when packet.In != "": return Interface(packet.In, values, view.Bridges);
                case "oif" when packet.Out != "": return Interface(packet.Out, values, view.Bridges);
                case "ibrname" or "ibridgename" when view.BridgeFamily: return Bridge(packet.InBridge, values);
                case "obrname" or "obridgename" when view.BridgeFamily: return Bridge(packet.OutBridge, values);
                case "l4proto": return Of(values.Contains("tcp"));
                case "protocol": return Of(values.Contains(view.Ipv6 ? "ip6" : "ip"));
                case "nfproto" when view.Conntrack: return Of(values.Contains(view.Ipv6 ? "ipv6" : "ipv4"));
            }
            return Match.Unknown;
        }
        // Conntrack is the IP layer's: the bridge family's hooks may run before it (nf_conntrack_bridge is optional), ingress always does.
        if (left.TryGetProperty("ct", out var ct) && ct.TryGetProperty("key", out var ctKey) && !ct.TryGetProperty("dir", out _) && view.Conntrack)
        {
            switch (ctKey.GetString())
            {
                case "state": return Of(values.Contains(packet.New ? "new" : "established"));
                case "status" when values.Count == 1 && values[0] == "dnat": return Of(view.Dnat);
            }
            return Match.Unknown;
        }
        if (left.TryGetProperty("payload", out var payload) && payload.TryGetProperty("protocol", out var protocol))
        {
            // A header of another protocol: the rule cannot match a TCP/IPv4 (or TCP/IPv6) packet.
            var (own, other, l4Field) = view.Ipv6 ? ("ip6", "ip", "nexthdr") : ("ip", "ip6", "protocol");
            if (protocol.GetString() is "udp" or "icmp" or "icmpv6" or "sctp" or "dccp" or "udplite" or "igmp" or "esp" or "ah" or "arp" ||
                protocol.GetString() == other) return Match.No;
            if (protocol.GetString() == own && payload.TryGetProperty("field", out var field) && field.GetString() == l4Field)
                return Of(values.Contains("tcp") || values.Contains("6"));
            if (protocol.GetString() == "ether" && (view.BridgeFamily || view.Ingress) && payload.TryGetProperty("field", out var etherField) && etherField.GetString() == "type")
                return Of(values.Contains("ip"));
        }
        return Match.Unknown;
    }

    private static Match Interface(string? name, List<string> patterns, IReadOnlySet<string> bridges)
    {
        if (name == HookPacket.Unknown) return Match.Unknown;
        if (name is not null) return Of(patterns.Any(p => Matches(name, p)));
        // The outside: some interface that is no topo bridge. Only names of topo's bridges are known not to be it.
        return patterns.All(p => !p.EndsWith('*') && bridges.Contains(p)) ? Match.No : Match.Unknown;
    }

    private static Match Bridge(string? bridge, List<string> patterns) =>
        bridge is null ? Match.Unknown : Of(patterns.Any(p => Matches(bridge, p)));

    private static bool Matches(string name, string pattern) =>
        pattern.EndsWith('*') && !pattern.EndsWith("\\*", StringComparison.Ordinal) ? name.StartsWith(pattern[..^1], StringComparison.Ordinal) : name == pattern;

    /// <summary>The right side as strings: one value, a list, or an anonymous set of plain values; null otherwise.</summary>
    private static List<string>? Values(JsonElement right)
    {
        if (right.ValueKind == JsonValueKind.String) return [right.GetString()!];
        if (right.ValueKind == JsonValueKind.Number) return [right.GetRawText()];
        var items = right.ValueKind == JsonValueKind.Array ? right
            : right.ValueKind == JsonValueKind.Object && right.TryGetProperty("set", out var set) && set.ValueKind == JsonValueKind.Array ? set
            : default;
        if (items.ValueKind != JsonValueKind.Array) return null;
        var list = new List<string>();
        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String) list.Add(item.GetString()!);
            else if (item.ValueKind == JsonValueKind.Number) list.Add(item.GetRawText());
            else return null;
        }
        return list;
    }
}
