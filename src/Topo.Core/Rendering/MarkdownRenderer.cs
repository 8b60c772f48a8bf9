using System.Text;
using Topo.Core.Model;
using Topo.Core.Planning;

namespace Topo.Core.Rendering;

/// <summary>
/// The plan as a pull-request comment (GitHub-flavoured markdown): a summary line, a table of
/// actions per group, the full text plan in a collapsible diff block, and a mermaid diagram of
/// the topology after the change. Deterministic, no emoji. A comment has a size limit (GitHub
/// refuses a body past 65,536 characters, so a CI step posting it would fail): what does not fit
/// is left out, least needed first (the full plan, then the diagram, then the last table rows),
/// and a closing note says what was left out and where to see it.
/// </summary>
public static class MarkdownRenderer
{
    /// <summary>The most characters GitHub takes in a comment body.</summary>
    public const int CommentLimit = 65_536;

    /// <summary>The smallest limit: room for the heading, the summary line and the closing note.</summary>
    public const int SmallestLimit = 1_000;

    /// <param name="limit">The most characters the comment may have (at least <see cref="SmallestLimit"/>); 0 for no limit.</param>
    public static string Render(Plan plan, int limit = CommentLimit)
    {
        if (limit is < 0 or > 0 and < SmallestLimit)
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"the limit is at least {SmallestLimit} characters, or 0 for none");
        var budget = limit == 0 ? int.MaxValue : limit;
        var head = $"### topo plan for {Code(plan.Project)}\n\n{SummaryLine(plan)}\n\n";
        var tables = new StringBuilder();
        var (shown, total) = Tables(plan, tables, budget - head.Length - NoteRoom);
        var md = new StringBuilder(head).Append(tables);
        var omitted = new List<string>();
        // The full plan repeats the tables with every attribute, and the diagram is an overview:
        // the full plan goes first, then the diagram, then table rows. Neither is rendered when
        // the tables alone do not fit (the first plan of 2,000 containers is 4 MB of text).
        if (shown == total)
        {
            var full = plan.IsEmpty ? "" : FullPlan(plan);
            var diagram = Diagram(plan);
            if (md.Length + full.Length + diagram.Length <= budget) return md.Append(full).Append(diagram).ToString();
            if (md.Length + diagram.Length + NoteRoom <= budget)
            {
                md.Append(diagram);
                if (!plan.IsEmpty) omitted.Add("the full plan");
            }
            else if (!plan.IsEmpty && md.Length + full.Length + NoteRoom <= budget)
            {
                md.Append(full);
                omitted.Add("the topology diagram");
            }
            else
            {
                if (!plan.IsEmpty) omitted.Add("the full plan");
                omitted.Add("the topology diagram");
            }
        }
        else
        {
            if (!plan.IsEmpty) omitted.Add("the full plan");
            omitted.Add("the topology diagram");
            omitted.Add(Invariant($"the rows of {total - shown:N0} of the {total:N0} actions"));
        }
        md.Append(Invariant($"> **Not shown:** {Join(omitted)}. This comment would be longer than {limit:N0} characters; ") +
                  "`topo plan` shows the whole plan, and `--format json` gives it to tools.\n");
        return md.ToString();
    }

    private static string Invariant(FormattableString s) => s.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Room kept for the closing note.</summary>
    private const int NoteRoom = 400;

    private static string Join(List<string> parts) =>
        parts.Count == 1 ? parts[0] : string.Join(", ", parts.Take(parts.Count - 1)) + " and " + parts[^1];

    /// <summary>A table of actions per group, row by row while they fit in <paramref name="room"/>; how many rows it wrote, of how many.</summary>
    private static (int Shown, int Total) Tables(Plan plan, StringBuilder md, int room)
    {
        int shown = 0, total = plan.Actions.Length;
        var full = false;
        foreach (var group in PlanView.Groups(plan))
        {
            if (full) break;
            var header = $"#### {Cell(group.Key.ToString())}\n\n| | Resource | Change | Why |\n|:-:|---|---|---|\n";
            var rows = new StringBuilder(header);
            var any = false;
            foreach (var action in group)
            {
                var row = $"| {Code(action.Symbol)} | {ResourceCell(action.Subject)} | {Details(action)} | {Cell(action.Reason)} |\n";
                if (md.Length + rows.Length + row.Length + 1 > room)
                {
                    full = true;
                    break;
                }
                rows.Append(row);
                any = true;
                shown++;
            }
            if (any) md.Append(rows).Append('\n');
        }
        return (shown, total);
    }

    private static string FullPlan(Plan plan) =>
        "<details><summary>Full plan</summary>\n\n```diff\n" + DiffLines(TextRenderer.Render(plan, TextRenderOptions.Plain)) + "```\n\n</details>\n\n";

    private static string Diagram(Plan plan)
    {
        var md = new StringBuilder(plan.IsEmpty ? "#### Topology\n\n" : "#### Topology after the change\n\n");
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
