using System.Buffers;
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;

namespace Topo.Core.Firewall;

/// <summary>
/// The libnftables JSON forms (libnftables-json(5)) of a <see cref="Ruleset"/>: the batch that
/// changes only elements, the batch that deletes a table, and the parser of <c>nft -j list
/// table</c> output. No reflection: Utf8JsonWriter and JsonDocument only. (The batch that writes a
/// table whole is <see cref="Ruleset.ToReplaceText"/>: libnftables 1.0.6 cannot declare in JSON a
/// map whose data is a concatenation, such as <c>ipv4_addr . inet_service</c>.)
/// </summary>
public static class NftJson
{
    private static readonly JsonWriterOptions Compact = new() { Indented = false };

    /// <summary>
    /// One batch that deletes and adds elements of a table whose skeleton stays: every delete
    /// first (an element that changes is deleted and added again), one command per set and verb.
    /// </summary>
    public static string WriteElements(string family, string table, IEnumerable<ElementSpec> delete, IEnumerable<ElementSpec> add)
    {
        return Write(w =>
        {
            foreach (var group in delete.GroupBy(e => e.Set))
                ElementCommand(w, "delete", family, table, group.Key, group, withData: false);
            foreach (var group in add.GroupBy(e => e.Set))
                ElementCommand(w, "add", family, table, group.Key, group, withData: group.First().Value is not null);
        });
    }

    /// <summary>
    /// <c>{"add": {"element": {…, "elem": [...]}}}</c>. An element with a comment is
    /// <c>{"elem": {"val": KEY, "comment": …}}</c>; a map's is the pair <c>[ELEMENT, DATA]</c>. A
    /// delete names keys only.
    /// </summary>
    private static void ElementCommand(Utf8JsonWriter w, string verb, string family, string table, string set,
        IEnumerable<ElementSpec> elements, bool withData)
    {
        w.WriteStartObject();
        w.WriteStartObject(verb);
        w.WriteStartObject("element");
        w.WriteString("family", family);
        w.WriteString("table", table);
        w.WriteString("name", set);
        w.WriteStartArray("elem");
        foreach (var e in elements)
        {
            if (verb == "delete")
            {
                w.WriteRawValue(e.Key, skipInputValidation: true);
                continue;
            }
            if (withData) w.WriteStartArray();
            WriteCommented(w, e);
            if (withData)
            {
                w.WriteRawValue(e.Value ?? throw new InvalidOperationException($"map element {e.KeyText} of {set} has no data"), skipInputValidation: true);
                w.WriteEndArray();
            }
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>A batch that deletes the table if it exists (add first, so a missing table is no error).</summary>
    /// <summary><c>{"elem": {"val": KEY, "comment": …}}</c>: how nftables' JSON carries an element's comment.</summary>
    public static void WriteCommented(Utf8JsonWriter w, ElementSpec e)
    {
        w.WriteStartObject();
        w.WriteStartObject("elem");
        w.WritePropertyName("val");
        w.WriteRawValue(e.Key, skipInputValidation: true);
        w.WriteString("comment", e.Comment);
        w.WriteEndObject();
        w.WriteEndObject();
    }

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
    /// Handles are dropped; rule expressions and element keys and data are canonicalised and
    /// rendered as text. Chains without a hook (regular chains) are not represented; their rules
    /// are kept with their chain's name.
    /// </summary>
    public static Ruleset? Parse(string listOutput, string family, string table) =>
        string.IsNullOrWhiteSpace(listOutput) ? null : Parse(Encoding.UTF8.GetBytes(listOutput), family, table);

    /// <summary>The same from UTF-8 bytes, as libnftables writes them (a listing of thousands of elements is megabytes: no string of it is made).</summary>
    public static Ruleset? Parse(ReadOnlyMemory<byte> listOutput, string family, string table)
    {
        if (listOutput.Span.Trim(" \t\r\n"u8).IsEmpty) return null;
        using var doc = JsonDocument.Parse(listOutput);
        if (!doc.RootElement.TryGetProperty("nftables", out var items) || items.ValueKind != JsonValueKind.Array)
            throw new FormatException("not libnftables JSON: no \"nftables\" array");

        var found = false;
        var chains = ImmutableArray.CreateBuilder<ChainSpec>();
        var rules = ImmutableArray.CreateBuilder<RuleSpec>();
        var sets = ImmutableArray.CreateBuilder<SetSpec>();
        var elements = ImmutableArray.CreateBuilder<ElementSpec>();
        foreach (var item in items.EnumerateArray())
        {
            if (item.TryGetProperty("table", out var t))
            {
                found |= Is(t, "family", family) && Is(t, "name", table);
            }
            else if ((item.TryGetProperty("set", out var s) || item.TryGetProperty("map", out s)) && Is(s, "family", family) && Is(s, "table", table))
            {
                var set = ParseSet(s);
                sets.Add(set);
                if (s.TryGetProperty("elem", out var elem) && elem.ValueKind == JsonValueKind.Array)
                    foreach (var e in elem.EnumerateArray()) elements.Add(ParseElement(set, e));
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
        return found
            ? new Ruleset(family, table, chains.ToImmutable(), rules.ToImmutable(), []) { Sets = sets.ToImmutable(), Elements = elements.ToImmutable() }
            : null;
    }

    private static SetSpec ParseSet(JsonElement s)
    {
        static ImmutableArray<string> TypeNames(JsonElement e, string property)
        {
            if (!e.TryGetProperty(property, out var type)) return [];
            // A concatenation is an array in "type" and " . "-joined text in a map's "map".
            if (type.ValueKind == JsonValueKind.Array) return [.. type.EnumerateArray().Select(x => x.GetString() ?? "")];
            return type.ValueKind == JsonValueKind.String ? [.. type.GetString()!.Split(" . ")] : [];
        }
        var interval = s.TryGetProperty("flags", out var flags) &&
            (flags.ValueKind == JsonValueKind.Array ? flags.EnumerateArray().Any(f => f.GetString() == "interval") : flags.GetString() == "interval");
        return new SetSpec(String(s, "name") ?? "", TypeNames(s, "type"), TypeNames(s, "map"), interval);
    }

    /// <summary>An element as listed: <c>KEY</c>, <c>{"elem": {"val": KEY, "comment": …}}</c>, or for a map the pair <c>[that, DATA]</c>.</summary>
    private static ElementSpec ParseElement(SetSpec set, JsonElement e)
    {
        JsonElement? data = null;
        if (set.IsMap && e.ValueKind == JsonValueKind.Array && e.GetArrayLength() == 2)
        {
            data = e[1];
            e = e[0];
        }
        string? comment = null;
        if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty("elem", out var wrapped))
        {
            comment = String(wrapped, "comment");
            e = wrapped.TryGetProperty("val", out var val) ? val : default;
        }
        var key = e.ValueKind == JsonValueKind.Undefined ? "null" : Stripped(e);
        var value = data is { } d ? Stripped(d) : null;
        return new ElementSpec(set.Name, key, e.ValueKind == JsonValueKind.Undefined ? "" : NftText.RenderValue(e, set.KeyType),
            value, data is { } dd ? NftText.RenderValue(dd, set.DataType) : null, comment ?? "");
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

    /// <summary>
    /// An element's key or data as nft printed it, without the whitespace: its canonical form (nft
    /// prints these objects' properties in sorted order already: prefix addr, len), at a fraction
    /// of <see cref="Canonical(JsonElement)"/>'s cost for the thousands of elements of a listing.
    /// </summary>
    private static string Stripped(JsonElement e)
    {
        var raw = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(e);
        Span<byte> buffer = raw.Length <= 256 ? stackalloc byte[raw.Length] : new byte[raw.Length];
        var n = 0;
        var inString = false;
        for (var i = 0; i < raw.Length; i++)
        {
            var b = raw[i];
            if (inString)
            {
                if (b == (byte)'\\' && i + 1 < raw.Length) buffer[n++] = raw[i++];
                else if (b == (byte)'"') inString = false;
            }
            else if (b == (byte)'"') inString = true;
            else if (b is (byte)' ' or (byte)'\n' or (byte)'\t' or (byte)'\r') continue;
            buffer[n++] = raw[i];
        }
        return Encoding.UTF8.GetString(buffer[..n]);
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
