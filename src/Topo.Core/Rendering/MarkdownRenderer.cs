using System.Text;
using Topo.Core.Model;
using Topo.Core.Planning;

namespace Topo.Core.Rendering;

/// <summary>
/// The plan as a pull-request comment (GitHub-flavoured markdown): a summary line, a table of
/// actions per group, the full text plan in a collapsible diff block, and a mermaid diagram of
/// the topology after the change. Deterministic, no emoji.
/// </summary>
public static class MarkdownRenderer
{
    public static string Render(Plan plan)
    {
        var md = new StringBuilder();
        md.Append($"### topo plan for {Code(plan.Project)}\n\n");
        md.Append(SummaryLine(plan)).Append("\n\n");

        foreach (var group in PlanView.Groups(plan))
        {
            md.Append($"#### {Cell(group.Key.ToString())}\n\n");
            md.Append("| | Resource | Change | Why |\n");
            md.Append("|:-:|---|---|---|\n");
            foreach (var action in group)
            {
                md.Append($"| {Code(action.Symbol)} | {ResourceCell(action.Subject)} | {Details(action)} | {Cell(action.Reason)} |\n");
            }
            md.Append('\n');
        }

        if (!plan.IsEmpty)
        {
            md.Append("<details><summary>Full plan</summary>\n\n");
            md.Append("```diff\n");
            md.Append(DiffLines(TextRenderer.Render(plan, TextRenderOptions.Plain)));
            md.Append("```\n\n");
            md.Append("</details>\n\n");
        }

        md.Append(plan.IsEmpty ? "#### Topology\n\n" : "#### Topology after the change\n\n");
        if (!plan.IsEmpty) md.Append("Green: added, yellow: changed, red dashed: removed.\n\n");
        MermaidWriter.Write(md, TopologyGraph.Of(plan));
        return md.ToString();
    }

    /// <summary><c>link `br-1a2b3c4d5e6f` (bridge)</c>: the key as code, as in the text plan.</summary>
    private static string ResourceCell(Resource resource) =>
        $"{Cell(resource.KindName)} {Code(resource.Key)}"
        + (resource is LinkState link ? $" ({Cell(link.Type.ToString().ToLowerInvariant())})" : "");

    private static string SummaryLine(Plan plan) => plan.IsEmpty
        ? $"**{plan.Summary}**"
        : $"**Plan:** {Code("+")} {plan.ToAdd} to add, {Code("~")} {plan.ToChange} to change, {Code("-")} {plan.ToDestroy} to destroy"
          + (plan.Actions.Count(a => a.Kind == ActionKind.Replace) is var r and > 0 ? $" ({Code("-/+")} {r} replaced)" : "");

    private static string Details(PlanAction action)
    {
        var parts = new List<string>();
        foreach (var change in action.Changes)
        {
            if (LineDiff.IsBlock(change.Before) || LineDiff.IsBlock(change.After))
            {
                // A file's lines do not fit a cell: how many changed; the full plan below shows them.
                var lines = LineDiff.Changes(change.Before, change.After);
                var (removed, added) = (lines.Count(l => l.Op == '-'), lines.Count(l => l.Op == '+'));
                parts.Add($"{Cell(change.Attribute.Name())}: {removed} {(removed == 1 ? "line" : "lines")} removed, {added} added");
                continue;
            }
            var part = $"{Cell(change.Attribute.Name())}: {Code(PlanView.Value(change.Before))} → {Code(PlanView.Value(change.After))}";
            parts.Add(change.ForcesReplace ? part + " (forces replacement)" : part);
        }
        foreach (var included in action.Includes)
            parts.Add($"{PlanView.WithIt(action.Kind)}: {ResourceCell(included)}");
        if (parts.Count == 0) parts.Add(PlanView.Legend(action.Kind));
        return string.Join("<br>", parts);
    }

    /// <summary>
    /// The text plan as a diff block: each line's leading symbol moves to column 0 so GitHub colours
    /// it (+ green, - red, ! orange for in-place updates); -/+ already starts in column 0.
    /// </summary>
    internal static string DiffLines(string text)
    {
        var output = new StringBuilder(text.Length + 16);
        // Line by line over the text itself: the first plan of 2,000 containers is 934,000 lines,
        // and a string for each (and another for its trimmed copy) was most of rendering it.
        var rest = text.AsSpan().TrimEnd('\n');
        while (true)
        {
            var end = rest.IndexOf('\n');
            var line = end < 0 ? rest : rest[..end];
            var at = line.IndexOfAnyExcept(' ');
            if (at < 0) at = line.Length;
            var symbol = at < line.Length ? line[at] : '\0';
            if (at > 0 && symbol is '+' or '-' or '~' && at + 1 < line.Length && line[at + 1] == ' ')
            {
                var marker = symbol == '~' ? '!' : symbol;
                output.Append(marker).Append(' ', at).Append(line[(at + 1)..]);
            }
            else
            {
                output.Append(line);
            }
            output.Append('\n');
            if (end < 0) break;
            rest = rest[(end + 1)..];
        }
        return output.ToString();
    }

    /// <summary>Inline code that survives a table cell: no backtick inside, pipes escaped.</summary>
    private static string Code(string s) => "`" + s.Replace('`', '\'').Replace("|", "\\|", StringComparison.Ordinal) + "`";

    private static readonly System.Buffers.SearchValues<char> CellSpecials = System.Buffers.SearchValues.Create("|<>&*_`[]\\\n\r");

    /// <summary>Plain text that survives a table cell and is not read as HTML or emphasis.</summary>
    private static string Cell(string s)
    {
        if (s.AsSpan().IndexOfAny(CellSpecials) < 0) return s; // as a rule: nothing to escape
        var cell = new StringBuilder();
        foreach (var c in s)
        {
            cell.Append(c switch
            {
                '|' => "\\|",
                '<' => "&lt;",
                '>' => "&gt;",
                '&' => "&amp;",
                '*' or '_' or '`' or '[' or ']' or '\\' => "\\" + c,
                '\n' or '\r' => " ",
                _ => c.ToString(),
            });
        }
        return cell.ToString();
    }
}
