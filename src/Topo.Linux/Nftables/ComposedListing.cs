using System.Buffers;
using Topo.Core.Firewall;
using System.Text.Json;

namespace Topo.Linux.Nftables;

/// <summary>
/// A reading of a table written back in the form of libnftables' JSON listing, for the
/// <see cref="TableListingCache"/>: after verification composed the table from a listing and the
/// sets it read again, the next command's no-op plan finds it under the generation it holds at, as
/// it would find a listing. Only what <see cref="NftJson.Parse(ReadOnlyMemory{byte}, string, string)"/>
/// reads is written (no handles), so parsing it gives the reading back.
/// </summary>
internal static class ComposedListing
{
    public static byte[] Write(Ruleset r)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024 + r.Elements.Length * 192);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("nftables");
            w.WriteStartObject();
            w.WriteStartObject("table");
            w.WriteString("family", r.Family);
            w.WriteString("name", r.Table);
            w.WriteEndObject();
            w.WriteEndObject();
            var bySet = r.Elements.ToLookup(e => e.Set);
            foreach (var set in r.Sets) Set(w, r, set, bySet[set.Name]);
            foreach (var c in r.Chains)
            {
                w.WriteStartObject();
                w.WriteStartObject("chain");
                Names(w, r, "name", c.Name);
                w.WriteString("type", NftNames.Of(c.Type));
                w.WriteString("hook", NftNames.Of(c.Hook));
                w.WriteNumber("prio", c.Priority);
                w.WriteString("policy", NftNames.Of(c.Policy));
                w.WriteEndObject();
                w.WriteEndObject();
            }
            foreach (var rule in r.Rules)
            {
                w.WriteStartObject();
                w.WriteStartObject("rule");
                Names(w, r, "chain", rule.Chain);
                w.WritePropertyName("expr");
                w.WriteRawValue(rule.Expression, skipInputValidation: true);
                w.WriteString("comment", rule.Comment);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void Set(Utf8JsonWriter w, Ruleset r, SetSpec set, IEnumerable<ElementSpec> elements)
    {
        w.WriteStartObject();
        w.WriteStartObject(set.IsMap ? "map" : "set");
        Names(w, r, "name", set.Name);
        w.WriteStartArray("type");
        foreach (var t in set.KeyType) w.WriteStringValue(t);
        w.WriteEndArray();
        if (set.IsMap) w.WriteString("map", string.Join(" . ", set.DataType));
        if (set.Interval)
        {
            w.WriteStartArray("flags");
            w.WriteStringValue("interval");
            w.WriteEndArray();
        }
        w.WriteStartArray("elem");
        foreach (var e in elements)
        {
            if (set.IsMap) w.WriteStartArray();
            if (e.Comment.Length == 0) w.WriteRawValue(e.Key, skipInputValidation: true);
            else NftJson.WriteCommented(w, e);
            if (set.IsMap)
            {
                w.WriteRawValue(e.Value ?? "null", skipInputValidation: true);
                w.WriteEndArray();
            }
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Names(Utf8JsonWriter w, Ruleset r, string property, string name)
    {
        w.WriteString("family", r.Family);
        w.WriteString("table", r.Table);
        w.WriteString(property, name);
    }
}
