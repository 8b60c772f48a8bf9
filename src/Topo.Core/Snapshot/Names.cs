namespace Topo.Core.Snapshot;

/// <summary>
/// Enum values as written in JSON: lower-case member names. Matching without reflection-based
/// parsing keeps the reader trimming- and AOT-safe and exact (no case folding, no numbers).
/// </summary>
internal static class Names
{
    public static string Of<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    public static bool TryParse<T>(string text, out T value) where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (Of(candidate) == text)
            {
                value = candidate;
                return true;
            }
        }
        value = default;
        return false;
    }

    public static string List<T>() where T : struct, Enum => string.Join(", ", Enum.GetValues<T>().Select(Of));
}
