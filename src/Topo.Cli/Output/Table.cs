namespace Topo.Cli.Output;

/// <summary>Plain aligned columns, as docker's ls commands print them.</summary>
internal static class Table
{
    public static void Write(TextWriter w, string[] header, IEnumerable<string[]> rows)
    {
        var all = rows.Prepend(header).ToList();
        var widths = header.Select((_, i) => all.Max(r => r[i].Length)).ToArray();
        foreach (var row in all)
            w.WriteLine(string.Join("   ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
    }
}
