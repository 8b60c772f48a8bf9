namespace Topo.Core.Spec;

/// <summary>Finds the key a user most likely meant, for "did you mean" hints.</summary>
public static class KeySuggester
{
    /// <summary>Keys of Docker Compose or the docker CLI that topo spells differently.</summary>
    private static readonly Dictionary<string, string> KnownSynonyms = new(StringComparer.Ordinal)
    {
        ["ipv4_address"] = "ipv4",
        ["ip_address"] = "ipv4",
        ["ip"] = "ipv4",
        ["driver_opts"] = "options",
        ["opt"] = "options",
        ["aux_address"] = "aux_addresses",
        ["aux-address"] = "aux_addresses",
        ["ip-range"] = "ip_range",
        ["net"] = "network_mode",
        ["network"] = "networks",
        ["macvlan_mode"] = "mode",
        ["mac"] = "mac_address",
        ["alias"] = "aliases",
        ["priority"] = "gw_priority",
    };

    public static string? Suggest(string given, IReadOnlyList<string> candidates)
    {
        if (KnownSynonyms.TryGetValue(given, out var synonym))
            foreach (var c in candidates) if (c == synonym) return c;
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var c in candidates)
        {
            var d = Distance(given.ToLowerInvariant(), c);
            if (d < bestDistance) { best = c; bestDistance = d; }
        }
        // About one edit per three characters, at least one and at most three: close enough to be a typo.
        return best is not null && bestDistance <= Math.Clamp(Math.Max(given.Length, best.Length) / 3, 1, 3) ? best : null;
    }

    /// <summary>"unknown key 'x'; did you mean 'y'?" or, with no close match, the keys allowed here.</summary>
    public static string UnknownKeyMessage(string what, string given, IReadOnlyList<string> candidates)
    {
        var suggestion = Suggest(given, candidates);
        return suggestion is not null
            ? $"unknown {what} '{given}'; did you mean '{suggestion}'?"
            : $"unknown {what} '{given}'; expected one of: {string.Join(", ", candidates)}";
    }

    /// <summary>Optimal string alignment distance (Levenshtein plus adjacent transpositions).</summary>
    public static int Distance(string a, string b)
    {
        if (a.Length > 64 || b.Length > 64) return int.MaxValue / 2;
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        for (var j = 1; j <= b.Length; j++)
        {
            var cost = a[i - 1] == b[j - 1] ? 0 : 1;
            var v = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) v = Math.Min(v, d[i - 2, j - 2] + 1);
            d[i, j] = v;
        }
        return d[a.Length, b.Length];
    }
}
