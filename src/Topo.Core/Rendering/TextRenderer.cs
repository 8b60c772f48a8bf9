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
        var text = new Styled((options ?? TextRenderOptions.Plain).Color, 256 + plan.Actions.Length * 256);
        text.Line($"Project {plan.Project}", Ansi.Bold);
        text.Blank();
        if (plan.IsEmpty)
        {
            text.Line(plan.Summary, Ansi.Bold);
            return text.ToString();
        }

        text.Line("Symbols:");
        foreach (var kind in new[] { ActionKind.Create, ActionKind.Update, ActionKind.Delete, ActionKind.Replace })
        {
            if (plan.Actions.Any(a => a.Kind == kind))
                text.Line($"{Symbol(text, kind)} {PlanView.Legend(kind)}");
        }

        var diffs = new LineDiff.Memo();
        foreach (var group in PlanView.Groups(plan))
        {
            text.Blank();
            text.Line(group.Key.ToString(), Ansi.Bold);
            var first = true;
            foreach (var action in group)
            {
                if (!first) text.Blank();
                first = false;
                WriteAction(text, action, diffs);
            }
        }

        text.Blank();
        text.Line(plan.Summary, Ansi.Bold);
        return text.ToString();
    }

    private static void WriteAction(Styled text, PlanAction action, LineDiff.Memo diffs)
    {
        text.Line($"    # {action.Reason}", Ansi.Dim);
        text.Line($"{Symbol(text, action.Kind)} {PlanView.Describe(action.Subject)}");
        switch (action.Kind)
        {
            case ActionKind.Create:
                WriteAttributes(text, action.Subject, "      ");
                break;
            case ActionKind.Update or ActionKind.Replace:
                WriteChanges(text, action, diffs);
                break;
        }
        foreach (var included in action.Includes)
        {
            text.Line($"      {Colored(text, action.Kind, action.Kind == ActionKind.Replace ? "-/+" : action.Symbol)} {PlanView.WithIt(action.Kind)}: {PlanView.Describe(included)}");
            if (action.Kind == ActionKind.Create) WriteAttributes(text, included, "          ");
        }
    }

    // Thousands of lines for a large first apply: written piece by piece, no string per line.
    private static void WriteAttributes(Styled text, Resource resource, string indent)
    {
        var attributes = PlanView.SetAttributes(resource).ToList();
        var width = attributes.Count == 0 ? 0 : attributes.Max(a => a.Attribute.Name().Length) + 1;
        var plus = Colored(text, ActionKind.Create, "+");
        foreach (var a in attributes)
        {
            text.Raw.Append(indent).Append(plus).Append(' ').Append(a.Attribute.Name()).Append(':');
            if (LineDiff.IsBlock(a.Value))
            {
                // A file's content: its lines below, one level in.
                text.Raw.Append('\n');
                LineDiff.AppendLines(text.Raw, indent + "    ", a.Value!);
                continue;
            }
            text.Raw.Append(' ', width - a.Attribute.Name().Length - 1).Append(' ').Append(PlanView.Value(a.Value)).Append('\n');
        }
    }

    private static void WriteChanges(Styled text, PlanAction action, LineDiff.Memo diffs)
    {
        var width = action.Changes.IsEmpty ? 0 : action.Changes.Max(c => c.Attribute.Name().Length) + 1;
        foreach (var change in action.Changes)
        {
            if (LineDiff.IsBlock(change.Before) || LineDiff.IsBlock(change.After))
            {
                // A file's content: the lines removed and added, one level in.
                text.Line($"      {Colored(text, ActionKind.Update, "~")} {change.Attribute.Name()}:");
                foreach (var (op, content) in diffs.Changes(change.Before, change.After))
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

    /// <summary>A line builder that applies styles only when colour is on.</summary>
    private sealed class Styled(bool color, int capacity)
    {
        private readonly StringBuilder _text = new(capacity);

        /// <summary>The text so far, for lines written in pieces (styles already applied).</summary>
        public StringBuilder Raw => _text;

        public string Style(string s, string style) => color ? style + s + Ansi.Reset : s;

        public void Line(string s, string? style = null) =>
            _text.Append(style is null ? s : Style(s, style)).Append('\n');

        public void Blank() => _text.Append('\n');

        public override string ToString() => _text.ToString();
    }
}
