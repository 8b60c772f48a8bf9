using System.Globalization;

namespace Topo.Cli.Commands.Confirm;

/// <summary>Durations as people write them on a command line: 90, 90s, 2m, 1h (whole numbers).</summary>
internal static class Durations
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        var t = text.Trim();
        if (t.Length == 0) return false;
        var unit = char.IsAsciiDigit(t[^1]) ? 's' : t[^1];
        var digits = char.IsAsciiDigit(t[^1]) ? t : t[..^1];
        if (digits.Length is 0 or > 6 || !digits.All(char.IsAsciiDigit)) return false;
        var n = int.Parse(digits, CultureInfo.InvariantCulture);
        duration = unit switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            _ => TimeSpan.Zero,
        };
        return duration > TimeSpan.Zero && duration <= TimeSpan.FromDays(1);
    }
}
