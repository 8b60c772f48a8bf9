using System.Globalization;
using System.Text.Json.Nodes;

using Topo.Core.Spec;

namespace Topo.Core.Tests.Spec;

/// <summary>
/// YAML tree to JSON for schema evaluation, keeping YAML's scalar types: plain true/false and
/// numbers become JSON booleans and numbers, quoted scalars stay strings, empty values are null.
/// </summary>
internal static class YamlJsonConverter
{
    // Depth is bounded by YamlTreeBuilder.MaxDepth, so recursion is safe here.
    public static JsonNode? ToJson(YNode node) => node switch
    {
        YMapping m => ToObject(m),
        YSequence s => ToArray(s),
        YScalar s => ToValue(s),
        _ => null,
    };

    private static JsonObject ToObject(YMapping m)
    {
        var o = new JsonObject();
        foreach (var (key, value) in m.Entries) o[key.Value] = ToJson(value);
        return o;
    }

    private static JsonArray ToArray(YSequence s)
    {
        var a = new JsonArray();
        foreach (var item in s.Items) a.Add(ToJson(item));
        return a;
    }

    private static JsonNode? ToValue(YScalar s)
    {
        switch (s.Kind)
        {
            case ScalarKind.Null: return null;
            case ScalarKind.Bool: return JsonValue.Create(ScalarKinds.IsTrue(s.Value));
            case ScalarKind.Int:
                if (long.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
                if (s.Value.StartsWith("0x", StringComparison.Ordinal) &&
                    long.TryParse(s.Value.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex)) return JsonValue.Create(hex);
                if (s.Value.StartsWith("0o", StringComparison.Ordinal))
                {
                    try { return JsonValue.Create(Convert.ToInt64(s.Value[2..], 8)); }
                    catch (OverflowException) { return JsonValue.Create(s.Value); }
                }
                return double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var big) ? JsonValue.Create(big) : JsonValue.Create(s.Value);
            case ScalarKind.Float:
                // JSON has no infinity or NaN; leave those as text so evaluation still sees "not an integer".
                return double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
                    ? JsonValue.Create(d) : JsonValue.Create(s.Value);
            default: return JsonValue.Create(s.Value);
        }
    }
}
