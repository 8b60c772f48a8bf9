using System.Text;
using System.Text.Json;

namespace Topo.Core.Firewall;

/// <summary>
/// Renders a libnftables JSON <c>expr</c> array in nft syntax, as <c>nft list</c> would print it,
/// for the statement forms topo generates (and a few common others). Anything else is shown as
/// its JSON in angle brackets, so nothing is silently dropped from a plan.
/// </summary>
public static class NftText
{
    public static string Render(string exprJson)
    {
        using var doc = JsonDocument.Parse(exprJson);
        return Render(doc.RootElement);
    }

    public static string Render(JsonElement expr)
    {
        var text = new StringBuilder();
        foreach (var statement in expr.EnumerateArray())
        {
            if (text.Length > 0) text.Append(' ');
            Statement(text, statement);
        }
        return text.ToString();
    }

    /// <summary>
    /// A set element's key or a map element's data in nft syntax (<c>tcp . 0.0.0.0/0 . 8080</c>,
    /// <c>"br-x" . "br-x"</c>), given the set's type of each field: interface names are quoted.
    /// </summary>
    public static string RenderValue(JsonElement value, IReadOnlyList<string> types)
    {
        var text = new StringBuilder();
        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("concat", out var parts) && parts.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var part in parts.EnumerateArray())
            {
                if (i > 0) text.Append(" . ");
                Field(text, part, i < types.Count ? types[i] : "");
                i++;
            }
        }
        else Field(text, value, types.Count > 0 ? types[0] : "");
        return text.ToString();
    }

    public static string RenderValue(string json, IReadOnlyList<string> types)
    {
        using var doc = JsonDocument.Parse(json);
        return RenderValue(doc.RootElement, types);
    }

    private static void Field(StringBuilder text, JsonElement value, string type)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                text.Append(type is "ifname" or "string" ? Quote(value.GetString()!) : value.GetString());
                return;
            case JsonValueKind.Number:
                text.Append(value.GetRawText());
                return;
            case JsonValueKind.Object when value.TryGetProperty("prefix", out var prefix) &&
                                           prefix.TryGetProperty("addr", out var addr) && prefix.TryGetProperty("len", out var len):
                text.Append(addr.GetString()).Append('/').Append(len.GetRawText());
                return;
            case JsonValueKind.Object when value.TryGetProperty("range", out var range) && range.GetArrayLength() == 2:
                Field(text, range[0], type);
                text.Append('-');
                Field(text, range[1], type);
                return;
            default:
                Unknown(text, value);
                return;
        }
    }

    public static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    private static void Statement(StringBuilder text, JsonElement statement)
    {
        if (statement.ValueKind != JsonValueKind.Object || !TrySingle(statement, out var name, out var body))
        {
            Unknown(text, statement);
            return;
        }
        switch (name)
        {
            case "match":
                Match(text, body);
                break;
            case "accept" or "drop" or "continue" or "return" or "masquerade" or "counter" when body.ValueKind == JsonValueKind.Null:
                text.Append(name);
                break;
            case "reject" when body.ValueKind == JsonValueKind.Null:
                text.Append("reject");
                break;
            case "reject" when body.TryGetProperty("type", out var type):
                // reject with icmpx admin-prohibited
                text.Append("reject with ").Append(type.GetString());
                if (body.TryGetProperty("expr", out var code)) text.Append(' ').Append(code.GetString());
                break;
            case "xt" when body.TryGetProperty("name", out var xtName):
                // an iptables extension libnftables lists by name only
                text.Append("xt ").Append(body.TryGetProperty("type", out var xtType) ? xtType.GetString() : "match").Append(' ').Append(xtName.GetString());
                break;
            case "counter" when body.ValueKind == JsonValueKind.Object:
                text.Append("counter");
                break;
            case "jump" or "goto" when body.TryGetProperty("target", out var target):
                text.Append(name).Append(' ').Append(target.GetString());
                break;
            case "dnat" or "snat" when body.TryGetProperty("addr", out var addr) && addr.ValueKind == JsonValueKind.Object &&
                                       addr.TryGetProperty("map", out var map) && map.TryGetProperty("key", out var key) &&
                                       map.TryGetProperty("data", out var data):
                // dnat ip to meta l4proto . ip daddr . th dport map @publish
                text.Append(name);
                if (body.TryGetProperty("family", out var family)) text.Append(' ').Append(family.GetString());
                text.Append(" to ");
                Left(text, key);
                text.Append(" map ").Append(Scalar(data, quote: false));
                break;
            case "dnat" or "snat" when body.TryGetProperty("addr", out var addr):
                text.Append(name).Append(" to ").Append(Scalar(addr, quote: false));
                if (body.TryGetProperty("port", out var port)) text.Append(':').Append(Scalar(port, quote: false));
                break;
            default:
                Unknown(text, statement);
                break;
        }
    }

    private static void Match(StringBuilder text, JsonElement match)
    {
        if (!match.TryGetProperty("left", out var left) || !match.TryGetProperty("right", out var right) ||
            !match.TryGetProperty("op", out var opElement))
        {
            Unknown(text, match);
            return;
        }
        var quote = Left(text, left);
        var op = opElement.GetString();
        if (op is not ("==" or "in")) text.Append(' ').Append(op);
        text.Append(' ');
        Right(text, right, quote);
    }

    /// <summary>Writes the left-hand side; returns whether its values are strings that nft quotes.</summary>
    private static bool Left(StringBuilder text, JsonElement left)
    {
        if (!TrySingle(left, out var name, out var body))
        {
            Unknown(text, left);
            return false;
        }
        switch (name)
        {
            case "concat" when body.ValueKind == JsonValueKind.Array:
                // iifname . oifname (a lookup's key): its values are a set reference, never quoted
                var first = true;
                foreach (var part in body.EnumerateArray())
                {
                    if (!first) text.Append(" . ");
                    first = false;
                    Left(text, part);
                }
                return false;
            case "meta" when body.TryGetProperty("key", out var key):
                var k = key.GetString();
                text.Append(k is "iifname" or "oifname" or "iif" or "oif" ? k : "meta " + k);
                return k is "iifname" or "oifname" or "iifkind" or "oifkind";
            case "payload" when body.TryGetProperty("protocol", out var protocol) && body.TryGetProperty("field", out var field):
                text.Append(protocol.GetString()).Append(' ').Append(field.GetString());
                return false;
            case "ct" when body.TryGetProperty("key", out var ctKey):
                text.Append("ct ").Append(ctKey.GetString());
                return false;
            case "fib" when body.TryGetProperty("result", out var result):
                text.Append("fib");
                if (body.TryGetProperty("flags", out var flags))
                {
                    if (flags.ValueKind == JsonValueKind.Array)
                        foreach (var f in flags.EnumerateArray()) text.Append(' ').Append(f.GetString());
                    else text.Append(' ').Append(flags.GetString());
                }
                text.Append(' ').Append(result.GetString());
                return false;
            default:
                Unknown(text, left);
                return false;
        }
    }

    private static void Right(StringBuilder text, JsonElement right, bool quote)
    {
        switch (right.ValueKind)
        {
            case JsonValueKind.Array:
                // A list of flags: ct state established,related
                text.AppendJoin(',', right.EnumerateArray().Select(e => Scalar(e, quote)));
                return;
            case JsonValueKind.Object when right.TryGetProperty("set", out var set) && set.ValueKind == JsonValueKind.Array:
                text.Append("{ ").AppendJoin(", ", set.EnumerateArray().Select(e => Scalar(e, quote))).Append(" }");
                return;
            case JsonValueKind.Object when right.TryGetProperty("prefix", out var prefix) &&
                                           prefix.TryGetProperty("addr", out var addr) && prefix.TryGetProperty("len", out var len):
                text.Append(addr.GetString()).Append('/').Append(len.GetRawText());
                return;
            default:
                text.Append(Scalar(right, quote));
                return;
        }
    }

    private static string Scalar(JsonElement value, bool quote) => value.ValueKind switch
    {
        // @name: a named set of the table
        JsonValueKind.String when value.GetString() is ['@', ..] s => s,
        JsonValueKind.String => quote ? Quote(value.GetString()!) : value.GetString()!,
        JsonValueKind.Number => value.GetRawText(),
        _ => "<" + NftJson.Canonical(value) + ">",
    };

    private static void Unknown(StringBuilder text, JsonElement element) =>
        text.Append('<').Append(NftJson.Canonical(element)).Append('>');

    private static bool TrySingle(JsonElement element, out string name, out JsonElement body)
    {
        name = "";
        body = default;
        if (element.ValueKind != JsonValueKind.Object) return false;
        var count = 0;
        foreach (var property in element.EnumerateObject())
        {
            name = property.Name;
            body = property.Value;
            count++;
        }
        return count == 1;
    }
}
