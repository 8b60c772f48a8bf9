namespace Topo.Core.Spec;

/// <summary>
/// Rules for names that end up in DNS, kernel interface names and file paths. Each check returns
/// null when the name is fine, else the reason, phrased to follow "… is not valid: ".
/// </summary>
internal static class NameRules
{
    public const int MaxInterfaceName = 15; // IFNAMSIZ - 1

    /// <summary>Project and network names: an RFC 1123 DNS label, lower case.</summary>
    public static string? DnsLabel(string name) => Label(name, allowUnderscore: false);

    /// <summary>
    /// Container names and aliases: a DNS label that may also hold '_' (Docker's embedded DNS
    /// answers for names such as centos_one, and the reference uses them).
    /// </summary>
    public static string? ContainerName(string name) => Label(name, allowUnderscore: true);

    private static string? Label(string name, bool allowUnderscore)
    {
        var allowed = allowUnderscore ? "lowercase letters, digits, '-' and '_'" : "lowercase letters, digits and '-'";
        if (name.Length == 0) return "it is empty";
        if (name is "." || name.Contains("..", StringComparison.Ordinal) || name.Contains('/') || name.Contains('\\'))
            return "it could escape a directory; use only " + allowed;
        if (name.Length > 63) return $"it is {name.Length} characters long; at most 63 are allowed";
        foreach (var c in name)
        {
            if (char.IsAsciiLetterUpper(c)) return $"it contains upper-case '{c}'; use {allowed}";
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-' || (allowUnderscore && c == '_')))
                return $"it contains {Show(c)}; use only {allowed}";
        }
        if (!char.IsAsciiLetterOrDigit(name[0]) || !char.IsAsciiLetterOrDigit(name[^1]))
            return "it must start and end with a letter or digit";
        return null;
    }

    /// <summary>A Linux interface name: 1–15 bytes, no '/', ':', whitespace; not "." or "..".</summary>
    public static string? InterfaceName(string name)
    {
        if (name.Length == 0) return "it is empty";
        if (name is "." or "..") return "it could escape a directory (/sys/class/net/NAME)";
        if (name.Length > MaxInterfaceName)
            return $"it is {name.Length} characters long; Linux interface names are at most {MaxInterfaceName}";
        foreach (var c in name)
        {
            if (c is '/' or ':' || char.IsWhiteSpace(c) || c < ' ' || c > '~')
                return $"it contains {Show(c)}, which Linux does not allow in interface names";
        }
        return null;
    }

    private static string Show(char c) => c switch
    {
        ' ' => "a space",
        '\t' => "a tab",
        _ when c < ' ' => $"control character U+{(int)c:X4}",
        _ => $"'{c}'",
    };
}
