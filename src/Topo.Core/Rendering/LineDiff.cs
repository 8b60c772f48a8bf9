using System.Buffers;
using System.Text;

namespace Topo.Core.Rendering;

/// <summary>
/// Multi-line attribute values (a namespace file's content) as people read them in a plan: the
/// lines of a new value, and for a changed one only the lines removed and added, in order.
/// </summary>
internal static class LineDiff
{
    /// <summary>
    /// Appends each line of <paramref name="value"/> after <paramref name="indent"/>, as
    /// <see cref="Lines"/> gives them, without a string per line (a first apply of 500 containers
    /// on one network shows 250,000 hosts lines).
    /// </summary>
    public static void AppendLines(TextWriter text, string indent, string value)
    {
        var rest = value.AsSpan();
        while (rest.Length > 0)
        {
            var end = rest.IndexOf('\n');
            var line = end < 0 ? rest : rest[..end];
            text.Write(indent);
            if (line.ContainsAny(Controls))
                text.Write(Visible(line.ToString()));
            else text.Write(line);
            text.Write('\n');
            if (end < 0)
            {
                text.Write(indent);
                text.Write(NoNewline);
                text.Write('\n');
                return;
            }
            rest = rest[(end + 1)..];
        }
    }

    /// <summary>A value shown as a block of lines rather than on the attribute's own line.</summary>
    public static bool IsBlock(string? value) => value is not null && value.Contains('\n');

    /// <summary>The lines of a value; a last line without its newline is marked, as diff does.</summary>
    public static List<string> Lines(string value)
    {
        var lines = value.Split('\n').Select(Visible).ToList();
        if (lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        else lines.Add(NoNewline);
        return lines;
    }

    public const string NoNewline = "(no newline at end of file)";

    /// <summary>
    /// The lines that differ, as ('-' | '+', line), in file order: the common start and end are
    /// skipped, and what lies between is matched line by line (longest common subsequence) when
    /// small enough, else shown whole as removed then added.
    /// </summary>
    public static List<(char Op, string Line)> Changes(string? before, string? after)
    {
        var a = before is null ? [] : Lines(before);
        var b = after is null ? [] : Lines(after);
        var start = 0;
        while (start < a.Count && start < b.Count && a[start] == b[start]) start++;
        int endA = a.Count, endB = b.Count;
        while (endA > start && endB > start && a[endA - 1] == b[endB - 1]) { endA--; endB--; }
        var result = new List<(char, string)>();
        int n = endA - start, m = endB - start;
        if ((long)n * m > 1_000_000)
        {
            for (var i = start; i < endA; i++) result.Add(('-', a[i]));
            for (var j = start; j < endB; j++) result.Add(('+', b[j]));
            return result;
        }
        var lcs = new int[n + 1, m + 1];
        for (var i = n - 1; i >= 0; i--)
            for (var j = m - 1; j >= 0; j--)
                lcs[i, j] = a[start + i] == b[start + j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
        int x = 0, y = 0;
        while (x < n || y < m)
        {
            if (x < n && y < m && a[start + x] == b[start + y]) { x++; y++; }
            else if (x < n && (y == m || lcs[x + 1, y] >= lcs[x, y + 1])) result.Add(('-', a[start + x++]));
            else result.Add(('+', b[start + y++]));
        }
        return result;
    }

    /// <summary>
    /// <see cref="Changes"/> of each pair of values once per rendering. One container more on a
    /// network of 400 changes 400 hosts files from the same text to the same text (the resolver and
    /// the observer hold one string for equal contents): diffing each pair anew was a fifth of that
    /// apply's CPU before its first step. Pairs are told apart by reference: equal texts in
    /// different strings are diffed again, which costs time, never correctness.
    /// </summary>
    public sealed class Memo
    {
        private readonly Dictionary<(string?, string?), List<(char Op, string Line)>> _seen = new(SameStrings.Instance);

        public List<(char Op, string Line)> Changes(string? before, string? after)
        {
            if (!_seen.TryGetValue((before, after), out var changes)) _seen[(before, after)] = changes = LineDiff.Changes(before, after);
            return changes;
        }
    }

    /// <summary>Control characters (a terminal escape in a file edited by hand) shown as \xNN; tabs kept.</summary>
    public static string Visible(string line)
    {
        var clean = true;
        foreach (var c in line)
            if (IsControl(c)) { clean = false; break; }
        if (clean) return line;
        var text = new StringBuilder(line.Length + 8);
        foreach (var c in line)
        {
            if (IsControl(c)) text.Append("\\x").Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            else text.Append(c);
        }
        return text.ToString();
    }

    /// <summary>
    /// What <see cref="IsControl"/> matches, searched vectorised and without allocating: three
    /// ContainsAnyInRange calls a line allocated 96 bytes each, 35 MB for the first plan of 2,000
    /// containers' hosts files.
    /// </summary>
    private static readonly SearchValues<char> Controls =
        SearchValues.Create([.. Enumerable.Range(0, 0xa0).Select(i => (char)i).Where(IsControl)]);

    private static bool IsControl(char c) => c != '\t' && (c < ' ' || c is >= '\u007f' and <= '\u009f');
}
