using System.Globalization;
using System.Text;

namespace Topo.Core.Rendering;

/// <summary>
/// Writes a <see cref="TopologyGraph"/> as a mermaid <c>flowchart LR</c>. Ids are built only from
/// [A-Za-z0-9_] (every other character, '_' included, becomes _XXXX_), so any name is safe and two
/// names never share an id; labels are quoted with mermaid's entity escapes.
/// </summary>
internal static class MermaidWriter
{
    private const string AddedStroke = "#1a7f37";
    private const string ChangedStroke = "#9a6700";
    private const string RemovedStroke = "#cf222e";

    public static void Write(StringBuilder md, TopologyGraph graph)
    {
        md.Append("```mermaid\n");
        md.Append("flowchart LR\n");
        foreach (var node in graph.Nodes)
        {
            var (open, close) = node.Kind == NodeKind.Network ? ("{{", "}}") : ("[", "]");
            var kind = node.Kind == NodeKind.Network ? "network" : "container";
            md.Append($"  {Id(node.Kind, node.Name)}{open}\"{Text($"{kind} {node.Name}")}\"{close}\n");
        }
        foreach (var edge in graph.Edges)
        {
            var line = edge.Mark == Mark.Removed ? "-.-" : "---";
            var label = edge.Label.Length == 0 ? "" : $"|\"{Text(edge.Label)}\"|";
            md.Append($"  {Id(NodeKind.Container, edge.Container)} {line}{label} {Id(NodeKind.Network, edge.Network)}\n");
        }

        md.Append($"  classDef added fill:#dafbe1,stroke:{AddedStroke},color:#116329\n");
        md.Append($"  classDef changed fill:#fff8c5,stroke:{ChangedStroke},color:#7d4e00\n");
        md.Append($"  classDef removed fill:#ffebe9,stroke:{RemovedStroke},color:#a40e26,stroke-dasharray:5 5\n");
        foreach (var (mark, name) in new[] { (Mark.Added, "added"), (Mark.Changed, "changed"), (Mark.Removed, "removed") })
        {
            var ids = graph.Nodes.Where(n => n.Mark == mark).Select(n => Id(n.Kind, n.Name)).ToList();
            if (ids.Count > 0) md.Append($"  class {string.Join(',', ids)} {name}\n");
        }

        // Edges cannot take classes: linkStyle addresses them by their position in the chart.
        foreach (var (mark, style) in new[]
                 {
                     (Mark.Added, $"stroke:{AddedStroke},stroke-width:2px"),
                     (Mark.Changed, $"stroke:{ChangedStroke},stroke-width:2px"),
                     (Mark.Removed, $"stroke:{RemovedStroke},stroke-width:2px,stroke-dasharray:5 5"),
                 })
        {
            var indexes = graph.Edges.Select((e, i) => (e, i)).Where(x => x.e.Mark == mark).Select(x => x.i.ToString(CultureInfo.InvariantCulture)).ToList();
            if (indexes.Count > 0) md.Append($"  linkStyle {string.Join(',', indexes)} {style}\n");
        }
        md.Append("```\n");
    }

    internal static string Id(NodeKind kind, string name)
    {
        var id = new StringBuilder(kind == NodeKind.Network ? "net_" : "ctr_");
        foreach (var c in name)
        {
            if (char.IsAsciiLetterOrDigit(c)) id.Append(c);
            else id.Append('_').Append(((int)c).ToString("X4", CultureInfo.InvariantCulture)).Append('_');
        }
        return id.ToString();
    }

    /// <summary>Label text inside quotes: mermaid's #entity; escapes for the characters it would parse.</summary>
    internal static string Text(string s)
    {
        var text = new StringBuilder();
        foreach (var c in s)
        {
            text.Append(c switch
            {
                '"' => "#quot;",
                '#' => "#35;",
                '<' => "#lt;",
                '>' => "#gt;",
                '|' => "#124;",
                _ when char.IsControl(c) => " ",
                _ => c.ToString(),
            });
        }
        return text.ToString();
    }
}
