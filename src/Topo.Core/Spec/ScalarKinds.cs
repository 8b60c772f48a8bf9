namespace Topo.Core.Spec;

/// <summary>Classifies plain scalars the way YAML 1.2's core schema does (no YAML 1.1 yes/no/on/off).</summary>
internal static class ScalarKinds
{
    public static ScalarKind OfPlain(string v)
    {
        if (v.Length == 0 || v is "~" or "null" or "Null" or "NULL") return ScalarKind.Null;
        if (v is "true" or "True" or "TRUE" or "false" or "False" or "FALSE") return ScalarKind.Bool;
        if (IsInt(v)) return ScalarKind.Int;
        if (IsFloat(v)) return ScalarKind.Float;
        return ScalarKind.String;
    }

    public static bool IsTrue(string v) => v is "true" or "True" or "TRUE";

    private static bool IsInt(string v)
    {
        if (v.Length > 2 && v[0] == '0' && (v[1] == 'o' || v[1] == 'x'))
        {
            var hex = v[1] == 'x';
            for (var i = 2; i < v.Length; i++)
                if (!(hex ? char.IsAsciiHexDigit(v[i]) : v[i] is >= '0' and <= '7')) return false;
            return true;
        }
        var start = v[0] is '-' or '+' ? 1 : 0;
        if (start == v.Length) return false;
        for (var i = start; i < v.Length; i++) if (!char.IsAsciiDigit(v[i])) return false;
        return true;
    }

    private static bool IsFloat(string v)
    {
        if (v is ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF" or "-.inf" or "-.Inf" or "-.INF"
            or ".nan" or ".NaN" or ".NAN") return true;
        var i = v[0] is '-' or '+' ? 1 : 0;
        var digits = 0;
        while (i < v.Length && char.IsAsciiDigit(v[i])) { i++; digits++; }
        if (i < v.Length && v[i] == '.')
        {
            i++;
            while (i < v.Length && char.IsAsciiDigit(v[i])) { i++; digits++; }
        }
        if (digits == 0) return false;
        if (i < v.Length && v[i] is 'e' or 'E')
        {
            i++;
            if (i < v.Length && v[i] is '-' or '+') i++;
            var exp = 0;
            while (i < v.Length && char.IsAsciiDigit(v[i])) { i++; exp++; }
            if (exp == 0) return false;
        }
        return i == v.Length;
    }
}
