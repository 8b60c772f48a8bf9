using System.Collections.Immutable;
using System.Text.Json;
using Topo.Core.Model;

namespace Topo.Core.Firewall;

/// <summary>A foreign table from libnftables' JSON <c>list table</c>: its chains (base or regular) with their rules in order.</summary>
public static class ForeignTableJson
{
    public static ForeignTable? Parse(ReadOnlyMemory<byte> listing, string family, string table)
    {
        if (listing.Span.Trim(" \t\r\n"u8).IsEmpty) return null;
        using var doc = JsonDocument.Parse(listing);
        if (!doc.RootElement.TryGetProperty("nftables", out var items) || items.ValueKind != JsonValueKind.Array)
            throw new FormatException("not libnftables JSON: no \"nftables\" array");
        var found = false;
        var order = new List<(string Name, string? Hook, int Priority, string? Policy, string? Type, ImmutableArray<string> Devices)>();
        var rules = new Dictionary<string, ImmutableArray<ForeignRule>.Builder>(StringComparer.Ordinal);
        foreach (var item in items.EnumerateArray())
        {
            if (item.TryGetProperty("table", out var t))
            {
                found |= Is(t, "family", family) && Is(t, "name", table);
            }
            else if (item.TryGetProperty("chain", out var c) && Is(c, "family", family) && Is(c, "table", table))
            {
                var prio = c.TryGetProperty("prio", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt32() : 0;
                var hook = String(c, "hook");
                order.Add((String(c, "name") ?? "", hook, prio, hook is null ? null : String(c, "policy") ?? "accept", hook is null ? null : String(c, "type") ?? "filter", Devices(c)));
            }
            else if (item.TryGetProperty("rule", out var r) && Is(r, "family", family) && Is(r, "table", table))
            {
                var chain = String(r, "chain") ?? "";
                var expr = r.TryGetProperty("expr", out var e) && e.ValueKind == JsonValueKind.Array ? NftJson.Canonical(e) : "[]";
                var handle = r.TryGetProperty("handle", out var h) && h.ValueKind == JsonValueKind.Number ? h.GetInt64() : 0;
                if (!rules.TryGetValue(chain, out var list)) rules[chain] = list = ImmutableArray.CreateBuilder<ForeignRule>();
                list.Add(new ForeignRule(handle, expr));
            }
        }
        if (!found) return null;
        return new ForeignTable(family, table, [.. order.Select(o =>
            new ForeignChain(o.Name, o.Hook, o.Priority, o.Policy, rules.TryGetValue(o.Name, out var list) ? list.ToImmutable() : []) { Type = o.Type, Devices = o.Devices })]);
    }

    /// <summary>An ingress chain's "dev": one name or a list (libnftables 1.0.6 leaves it out; the observer adds it from the kernel's dump).</summary>
    private static ImmutableArray<string> Devices(JsonElement chain) =>
        !chain.TryGetProperty("dev", out var dev) ? []
        : dev.ValueKind == JsonValueKind.String ? [dev.GetString()!]
        : dev.ValueKind == JsonValueKind.Array ? [.. dev.EnumerateArray().Where(d => d.ValueKind == JsonValueKind.String).Select(d => d.GetString()!)]
        : [];

    private static bool Is(JsonElement e, string property, string value) => String(e, property) == value;

    private static string? String(JsonElement e, string property) =>
        e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
