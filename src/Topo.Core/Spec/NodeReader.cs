using System.Globalization;
using Topo.Core.Addressing;

namespace Topo.Core.Spec;

/// <summary>Reads typed values out of YAML nodes; a wrong type is reported and gives false/null.</summary>
internal static class NodeReader
{
    /// <summary>A mapping, or null/empty meaning "all defaults" when <paramref name="allowNull"/>.</summary>
    public static YMapping? Mapping(YNode node, string what, DiagnosticBag bag, bool allowNull = true)
    {
        if (node is YMapping m) return m;
        if (allowNull && node is YScalar { Kind: ScalarKind.Null }) return new YMapping(node.Line, node.Column);
        bag.Error(node, $"{what} must be a mapping of keys to values, got {Describe(node)}");
        return null;
    }

    public static bool Bool(YNode node, string field, DiagnosticBag bag, out bool value)
    {
        value = false;
        if (node is YScalar { Kind: ScalarKind.Bool } s)
        {
            value = ScalarKinds.IsTrue(s.Value);
            return true;
        }
        var hint = node is YScalar { Kind: ScalarKind.String, Value: var v } && IsBoolWord(v)
            ? $"; write {(v.ToLowerInvariant() is "true" or "yes" or "on" ? "true" : "false")}, unquoted"
            : "";
        bag.Error(node, $"{field}: expected a boolean (true or false), got {Describe(node)}{hint}");
        return false;
    }

    public static bool Int(YNode node, string field, DiagnosticBag bag, out int value)
    {
        value = 0;
        if (node is YScalar { Kind: ScalarKind.Int } s &&
            int.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
            return true;
        if (node is YScalar { Kind: ScalarKind.Int } big)
        {
            bag.Error(node, $"{field}: {big.Value} is too large");
            return false;
        }
        var hint = node is YScalar { Kind: ScalarKind.String, Value: var v } && v.Length > 0 && v.All(char.IsAsciiDigit)
            ? $"; write {v}, unquoted" : "";
        bag.Error(node, $"{field}: expected an integer, got {Describe(node)}{hint}");
        return false;
    }

    /// <summary>A string value; numbers, booleans and nulls are refused so the file means one thing (and matches the schema).</summary>
    public static string? String(YNode node, string field, DiagnosticBag bag)
    {
        if (node is YScalar { Kind: ScalarKind.String } s) return s.Value;
        var hint = node is YScalar { Kind: ScalarKind.Int or ScalarKind.Float or ScalarKind.Bool } n ? $"; quote it: \"{n.Value}\"" : "";
        bag.Error(node, $"{field}: expected a string, got {Describe(node)}{hint}");
        return null;
    }

    public static Ipv4Address? Address(YNode node, string field, DiagnosticBag bag)
    {
        var text = String(node, field, bag);
        if (text is null) return null;
        if (Ipv4Address.TryParse(text, out var address)) return address;
        var hint = field == "ipv4" && Ipv6Address.TryParse(text, out _) ? "; an IPv6 address goes under ipv6:" : "";
        bag.Error(node, $"{field}: '{text}' is not an IPv4 address (a.b.c.d, no leading zeros){hint}");
        return null;
    }

    /// <summary>A subnet; host bits set is an error that names the network address meant.</summary>
    public static Ipv4Prefix? Prefix(YNode node, string field, DiagnosticBag bag)
    {
        var text = String(node, field, bag);
        if (text is null) return null;
        if (!Ipv4Prefix.TryParse(text, out var prefix))
        {
            bag.Error(node, $"{field}: '{text}' is not an IPv4 subnet in CIDR form (a.b.c.d/len, len 0..32)");
            return null;
        }
        if (!prefix.IsNetwork)
        {
            bag.Error(node, $"{field}: {text} has host bits set; did you mean {prefix.Network}?");
            return prefix.Network; // go on with what was meant, so later checks do not pile up
        }
        return prefix;
    }

    /// <summary>An address of either family (<c>subnet</c>, <c>gateway</c> and friends take one of each).</summary>
    public static IpAddress? AnyAddress(YNode node, string field, DiagnosticBag bag)
    {
        var text = String(node, field, bag);
        if (text is null) return null;
        if (IpAddress.TryParse(text, out var address)) return address;
        bag.Error(node, text.Contains(':')
            ? $"{field}: '{text}' is not an IPv6 address"
            : $"{field}: '{text}' is not an IPv4 address (a.b.c.d, no leading zeros)");
        return null;
    }

    public static Ipv6Address? Ipv6(YNode node, string field, DiagnosticBag bag)
    {
        var text = String(node, field, bag);
        if (text is null) return null;
        if (Ipv6Address.TryParse(text, out var address)) return address;
        var hint = Ipv4Address.TryParse(text, out _) ? "; an IPv4 address goes under ipv4:" : "";
        bag.Error(node, $"{field}: '{text}' is not an IPv6 address{hint}");
        return null;
    }

    /// <summary>A subnet of either family; host bits set is an error that names the network address meant.</summary>
    public static IpPrefix? AnyPrefix(YNode node, string field, DiagnosticBag bag)
    {
        var text = String(node, field, bag);
        if (text is null) return null;
        if (!IpPrefix.TryParse(text, out var prefix))
        {
            bag.Error(node, text.Contains(':')
                ? $"{field}: '{text}' is not an IPv6 subnet in CIDR form (address/len, len 0..128)"
                : $"{field}: '{text}' is not an IPv4 subnet in CIDR form (a.b.c.d/len, len 0..32)");
            return null;
        }
        if (prefix.Network != prefix)
        {
            bag.Error(node, $"{field}: {text} has host bits set; did you mean {prefix.Network}?");
            return prefix.Network; // go on with what was meant, so later checks do not pile up
        }
        return prefix;
    }

    public static string Describe(YNode node) => node switch
    {
        YMapping => "a mapping",
        YSequence => "a list",
        YScalar { Kind: ScalarKind.Null } => "nothing",
        YScalar { Kind: ScalarKind.Bool } s => $"the boolean {s.Value}",
        YScalar { Kind: ScalarKind.Int or ScalarKind.Float } s => $"the number {s.Value}",
        YScalar s => $"the string '{Truncate(s.Value)}'",
        _ => "something else",
    };

    private static bool IsBoolWord(string v) =>
        v.ToLowerInvariant() is "true" or "false" or "yes" or "no" or "on" or "off";

    private static string Truncate(string v) => v.Length <= 40 ? v : v[..37] + "...";
}
