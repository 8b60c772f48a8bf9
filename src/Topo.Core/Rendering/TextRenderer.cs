using System.Text;
using Topo.Core.Model;
using Topo.Core.Planning;

namespace Topo.Core.Rendering;

/// <summary>
/// The plan for people, Terraform-style: a legend, the actions grouped by what they serve, each
/// with its reason, its attributes or attribute changes and the objects that come with it, then
/// the summary line. Output is byte-identical across runs (LF, no time, no host details).
/// </summary>
public static class TextRenderer
{
    public static string Render(Plan plan, TextRenderOptions? options = null)
    {
        // About 250 characters an action: sized once rather than grown through a megabyte.
        var output = new StringWriter(new StringBuilder(256 + plan.Actions.Length * 256));
        Render(plan, output, options);
        return output.ToString();
    }

    /// <summary>
    /// Writes the plan to <paramref name="output"/> piece by piece. The first apply of 2,000
    /// containers is 35 MB of text (every hosts file's lines): built as one string first, it was
    /// 140 MB of fresh memory and a quarter of a second before the first step.
    /// </summary>
    public static void Render(Plan plan, TextWriter output, TextRenderOptions? options = null)
    {
        var text = new Styled((options ?? TextRenderOptions.Plain).Color, output);
        text.Line($"Project {plan.Project}", Ansi.Bold);
        text.Blank();
        if (plan.IsEmpty)
        {
            text.Line(plan.Summary, Ansi.Bold);
            return;
        }

        text.Line("Symbols:");
        foreach (var kind in new[] { ActionKind.Create, ActionKind.Update, ActionKind.Delete, ActionKind.Replace })
        {
            if (plan.Actions.Any(a => a.Kind == kind))
                text.Line($"{Symbol(text, kind)} {PlanView.Legend(kind)}");
        }

        var diffs = new LineDiff.Memo();
        var shown = new RepeatedBlocks();
        foreach (var group in PlanView.Groups(plan))
        {
            text.Blank();
            text.Line(group.Key.ToString(), Ansi.Bold);
            var first = true;
            foreach (var action in group)
            {
                if (!first) text.Blank();
                first = false;
                WriteAction(text, action, diffs, shown);
            }
        }

        text.Blank();
        text.Line(plan.Summary, Ansi.Bold);
    }

    private static void WriteAction(Styled text, PlanAction action, LineDiff.Memo diffs, RepeatedBlocks shown)
    {
        var subject = PlanView.Describe(action.Subject);
        text.Line($"    # {action.Reason}", Ansi.Dim);
        text.Line($"{Symbol(text, action.Kind)} {subject}");
        switch (action.Kind)
        {
            case ActionKind.Create:
                WriteAttributes(text, action.Subject, "      ", shown, subject);
                break;
            case ActionKind.Update or ActionKind.Replace:
                WriteChanges(text, action, diffs, shown, subject);
                break;
        }
        foreach (var included in action.Includes)
        {
            var companion = PlanView.Describe(included);
            text.Line($"      {Colored(text, action.Kind, action.Kind == ActionKind.Replace ? "-/+" : action.Symbol)} {PlanView.WithIt(action.Kind)}: {companion}");
            if (action.Kind == ActionKind.Create) WriteAttributes(text, included, "          ", shown, companion);
        }
    }

    // Thousands of lines for a large first apply: written piece by piece, no string per line. A
    // long block shown before (every hosts file of a network) names where, not its lines again.
    private static void WriteAttributes(Styled text, Resource resource, string indent, RepeatedBlocks shown, string subject)
    {
        var attributes = PlanView.SetAttributes(resource).ToList();
        var width = attributes.Count == 0 ? 0 : attributes.Max(a => a.Attribute.Name().Length) + 1;
        var plus = Colored(text, ActionKind.Create, "+");
        var raw = text.Raw;
        foreach (var a in attributes)
        {
            raw.Write(indent);
            raw.Write(plus);
            raw.Write(' ');
            raw.Write(a.Attribute.Name());
            raw.Write(':');
            if (LineDiff.IsBlock(a.Value))
            {
                if (shown.ShownBefore(a.Value!, subject) is { } where)
                {
                    raw.Write($" the same as {where} above ({RepeatedBlocks.LineCount(a.Value!)} lines)\n");
                    continue;
                }
                // A file's content: its lines below, one level in.
                raw.Write('\n');
                LineDiff.AppendLines(raw, indent + "    ", a.Value!);
                continue;
            }
            for (var pad = width - a.Attribute.Name().Length; pad > 0; pad--) raw.Write(' ');
            raw.Write(PlanView.Value(a.Value));
            raw.Write('\n');
        }
    }

    private static void WriteChanges(Styled text, PlanAction action, LineDiff.Memo diffs, RepeatedBlocks shown, string subject)
    {
        var width = action.Changes.IsEmpty ? 0 : action.Changes.Max(c => c.Attribute.Name().Length) + 1;
        foreach (var change in action.Changes)
        {
            if (LineDiff.IsBlock(change.Before) || LineDiff.IsBlock(change.After))
            {
                // A file's content: the lines removed and added, one level in (or where the same were shown).
                var lines = diffs.Changes(change.Before, change.After);
                if (shown.ChangeShownBefore(change.Before, change.After, lines.Count, subject) is { } where)
                {
                    text.Line($"      {Colored(text, ActionKind.Update, "~")} {change.Attribute.Name()}: the same change as {where} above ({lines.Count} lines)");
                    continue;
                }
                text.Line($"      {Colored(text, ActionKind.Update, "~")} {change.Attribute.Name()}:");
                foreach (var (op, content) in lines)
                {
                    var kind = op == '-' ? ActionKind.Delete : ActionKind.Create;
                    text.Line($"          {Colored(text, kind, op.ToString())} {content}");
                }
                continue;
            }
            var line = $"      {Colored(text, ActionKind.Update, "~")} {(change.Attribute.Name() + ":").PadRight(width)} {PlanView.Value(change.Before)} → {PlanView.Value(change.After)}";
            if (change.ForcesReplace) line += "  " + text.Style("# forces replacement", Ansi.Magenta);
            text.Line(line);
        }
    }

    /// <summary>The symbol right-aligned in three columns, so every key starts in column 4.</summary>
    private static string Symbol(Styled text, ActionKind kind) => Colored(text, kind, kind.Symbol().PadLeft(3));

    private static string Colored(Styled text, ActionKind kind, string s) => text.Style(s, Ansi.Of(kind));

    /// <summary>A line writer that applies styles only when colour is on.</summary>
    private sealed class Styled(bool color, TextWriter output)
    {
        /// <summary>The output, for lines written in pieces (styles already applied).</summary>
        public TextWriter Raw => output;

        public string Style(string s, string style) => color ? style + s + Ansi.Reset : s;

        public void Line(string s, string? style = null)
        {
            output.Write(style is null ? s : Style(s, style));
            output.Write('\n');
        }

        public void Blank() => output.Write('\n');
    }
}
