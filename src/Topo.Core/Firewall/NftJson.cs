using System.Buffers;
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;

namespace Topo.Core.Firewall;

/// <summary>
/// The libnftables JSON forms (libnftables-json(5)) of a <see cref="Ruleset"/>: the batch that
/// replaces a project's table in one transaction, the batch that deletes it, and the parser of
/// <c>nft -j list table</c> output. No reflection: Utf8JsonWriter and JsonDocument only.
/// </summary>
public static class NftJson
{
    private static readonly JsonWriterOptions Compact = new() { Indented = false };

    /// <summary>
    /// One batch that makes the kernel's table exactly <paramref name="ruleset"/>:
    /// <c>add table</c> (so the delete cannot fail), <c>delete table</c> (drops chains and rules
    /// that are no longer wanted, whatever their shape), <c>add table</c>, then every chain and
    /// rule. libnftables sends it as one netlink batch: the kernel applies all of it or none.
    /// </summary>
    public static string WriteReplace(Ruleset ruleset)
    {
        return Write(w =>
        {
            TableCommand(w, "add", ruleset.Family, ruleset.Table);
            TableCommand(w, "delete", ruleset.Family, ruleset.Table);
            TableCommand(w, "add", ruleset.Family, ruleset.Table);
            foreach (var chain in ruleset.Chains)
            {
                w.WriteStartObject();
                w.WriteStartObject("add");
                w.WriteStartObject("chain");
                w.WriteString("family", ruleset.Family);
                w.WriteString("table", ruleset.Table);
                w.WriteString("name", chain.Name);
                w.WriteString("type", NftNames.Of(chain.Type));
                w.WriteString("hook", NftNames.Of(chain.Hook));
                w.WriteNumber("prio", chain.Priority);
                w.WriteString("policy", NftNames.Of(chain.Policy));
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndObject();
            }
            foreach (var rule in ruleset.Rules)
            {
                w.WriteStartObject();
                w.WriteStartObject("add");
                w.WriteStartObject("rule");
                w.WriteString("family", ruleset.Family);
                w.WriteString("table", ruleset.Table);
                w.WriteString("chain", rule.Chain);
                w.WriteString("comment", rule.Comment);
                w.WritePropertyName("expr");
                w.WriteRawValue(rule.Expression, skipInputValidation: false);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndObject();
            }
        });
    }

    /// <summary>A batch that deletes the table if it exists (add first, so a missing table is no error).</summary>
    public static string WriteDelete(string family, string table) => Write(w =>
    {
        TableCommand(w, "add", family, table);
        TableCommand(w, "delete", family, table);
    });

    /// <summary>The JSON command that lists one table (<c>nft -j list table FAMILY NAME</c>).</summary>
    public static string WriteList(string family, string table) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("list");
        w.WriteStartObject("table");
        w.WriteString("family", family);
        w.WriteString("name", table);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    });

    /// <summary>
    /// Parses <c>nft -j list table</c> (or <c>list ruleset</c>) output into the ruleset of table
    /// <paramref name="family"/> <paramref name="table"/>; null when the output does not contain it.
    /// Handles are dropped; rule expressions are canonicalised and rendered as text. Chains without
    /// a hook (regular chains) are not represented; their rules are kept with their chain's name.
    /// </summary>
    public static Ruleset? Parse(string listOutput, string family, string table)
    {
        if (string.IsNullOrWhiteSpace(listOutput)) return null;
        using var doc = JsonDocument.Parse(listOutput);
        if (!doc.RootElement.TryGetProperty("nftables", out var items) || items.ValueKind != JsonValueKind.Array)
            throw new FormatException("not libnftables JSON: no \"nftables\" array");

        var found = false;
        var chains = ImmutableArray.CreateBuilder<ChainSpec>();
        var rules = ImmutableArray.CreateBuilder<RuleSpec>();
        foreach (var item in items.EnumerateArray())
        {
            if (item.TryGetProperty("table", out var t))
            {
                found |= Is(t, "family", family) && Is(t, "name", table);
            }
            else if (item.TryGetProperty("chain", out var c) && Is(c, "family", family) && Is(c, "table", table))
            {
                var type = NftNames.ParseType(String(c, "type"));
                var hook = NftNames.ParseHook(String(c, "hook"));
                if (type is null || hook is null) continue;
                var policy = NftNames.ParsePolicy(String(c, "policy")) ?? ChainPolicy.Accept;
                var prio = c.TryGetProperty("prio", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt32() : 0;
                chains.Add(new ChainSpec(String(c, "name") ?? "", type.Value, hook.Value, prio, policy));
            }
            else if (item.TryGetProperty("rule", out var r) && Is(r, "family", family) && Is(r, "table", table))
            {
                var expr = r.TryGetProperty("expr", out var e) ? e : default;
                var json = expr.ValueKind == JsonValueKind.Array ? Canonical(expr) : "[]";
                rules.Add(new RuleSpec(String(r, "chain") ?? "", String(r, "comment") ?? "", json, NftText.Render(json)));
            }
        }
        return found ? new Ruleset(family, table, chains.ToImmutable(), rules.ToImmutable(), []) : null;
    }

    /// <summary>
    /// Canonical JSON: object properties sorted by name (ordinal), arrays in order, no
    /// whitespace. Two expressions mean the same to libnftables iff their canonical forms are
    /// equal (for the forms nft prints).
    /// </summary>
    public static string Canonical(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Compact)) WriteCanonical(writer, element);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static string Canonical(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return Canonical(doc.RootElement);
    }

    private static void WriteCanonical(Utf8JsonWriter w, JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                w.WriteStartObject();
                foreach (var p in e.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    w.WritePropertyName(p.Name);
                    WriteCanonical(w, p.Value);
                }
                w.WriteEndObject();
                break;
            case JsonValueKind.Array:
                w.WriteStartArray();
                foreach (var item in e.EnumerateArray()) WriteCanonical(w, item);
                w.WriteEndArray();
                break;
            default:
                e.WriteTo(w);
                break;
        }
    }

    private static string Write(Action<Utf8JsonWriter> commands)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, Compact))
        {
            w.WriteStartObject();
            w.WriteStartArray("nftables");
            commands(w);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void TableCommand(Utf8JsonWriter w, string command, string family, string table)
    {
        w.WriteStartObject();
        w.WriteStartObject(command);
        w.WriteStartObject("table");
        w.WriteString("family", family);
        w.WriteString("name", table);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static bool Is(JsonElement e, string property, string value) =>
        e.TryGetProperty(property, out var p) && p.ValueKind == JsonValueKind.String && p.GetString() == value;

    private static string? String(JsonElement e, string property) =>
        e.TryGetProperty(property, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
}
