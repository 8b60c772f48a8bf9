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
        var text = new Styled((options ?? TextRenderOptions.Plain).Color);
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

        foreach (var group in PlanView.Groups(plan))
        {
            text.Blank();
            text.Line(group.Key.ToString(), Ansi.Bold);
            var first = true;
            foreach (var action in group)
            {
                if (!first) text.Blank();
                first = false;
                WriteAction(text, action);
            }
        }

        text.Blank();
        text.Line(plan.Summary, Ansi.Bold);
        return text.ToString();
    }

    private static void WriteAction(Styled text, PlanAction action)
    {
        text.Line($"    # {action.Reason}", Ansi.Dim);
        text.Line($"{Symbol(text, action.Kind)} {PlanView.Describe(action.Subject)}");
        switch (action.Kind)
        {
            case ActionKind.Create:
                WriteAttributes(text, action.Subject, "      ");
                break;
            case ActionKind.Update or ActionKind.Replace:
                WriteChanges(text, action);
                break;
        }
        foreach (var included in action.Includes)
        {
            text.Line($"      {Colored(text, action.Kind, action.Kind == ActionKind.Replace ? "-/+" : action.Symbol)} {PlanView.WithIt(action.Kind)}: {PlanView.Describe(included)}");
            if (action.Kind == ActionKind.Create) WriteAttributes(text, included, "          ");
        }
    }

    private static void WriteAttributes(Styled text, Resource resource, string indent)
    {
        var attributes = PlanView.SetAttributes(resource).ToList();
        var width = attributes.Count == 0 ? 0 : attributes.Max(a => a.Name.Length) + 1;
        foreach (var a in attributes)
            text.Line($"{indent}{Colored(text, ActionKind.Create, "+")} {(a.Name + ":").PadRight(width)} {PlanView.Value(a.Value)}");
    }

    private static void WriteChanges(Styled text, PlanAction action)
    {
        var width = action.Changes.IsEmpty ? 0 : action.Changes.Max(c => c.Name.Length) + 1;
        foreach (var change in action.Changes)
        {
            var line = $"      {Colored(text, ActionKind.Update, "~")} {(change.Name + ":").PadRight(width)} {PlanView.Value(change.Before)} → {PlanView.Value(change.After)}";
            if (change.ForcesReplace) line += "  " + text.Style("# forces replacement", Ansi.Magenta);
            text.Line(line);
        }
    }

    /// <summary>The symbol right-aligned in three columns, so every key starts in column 4.</summary>
    private static string Symbol(Styled text, ActionKind kind) => Colored(text, kind, kind.Symbol().PadLeft(3));

    private static string Colored(Styled text, ActionKind kind, string s) => text.Style(s, Ansi.Of(kind));

    /// <summary>A line builder that applies styles only when colour is on.</summary>
    private sealed class Styled(bool color)
    {
        private readonly StringBuilder _text = new();

        public string Style(string s, string style) => color ? style + s + Ansi.Reset : s;

        public void Line(string s, string? style = null) =>
            _text.Append(style is null ? s : Style(s, style)).Append('\n');

        public void Blank() => _text.Append('\n');

        public override string ToString() => _text.ToString();
    }
}
