using Topo.Cli.Output;
using Topo.Core.Planning;
using Topo.Core.Rendering;

namespace Topo.Cli.Commands;

internal enum PlanFormat { Text, Json, Markdown }

internal static class PlanOutput
{
    public static string Render(Plan plan, PlanFormat format, ITopoConsole console) => format switch
    {
        PlanFormat.Json => JsonRenderer.Render(plan),
        PlanFormat.Markdown => MarkdownRenderer.Render(plan),
        _ => TextRenderer.Render(plan, new TextRenderOptions(Color: console.OutIsTerminal)),
    };
}
