using Topo.Cli.Output;
using Topo.Core.Planning;
using Topo.Core.Rendering;

namespace Topo.Cli.Commands;

internal enum PlanFormat { Text, Json, Markdown }

internal static class PlanOutput
{
    /// <summary>The plan on stdout. Text and JSON are written as they are rendered, in chunks (a first apply of 2,000 containers is 35 MB of either).</summary>
    /// <param name="commentLimit">Markdown only: the most characters the comment may have (0: no limit).</param>
    public static void Write(Plan plan, PlanFormat format, ITopoConsole console, int commentLimit = MarkdownRenderer.CommentLimit)
    {
        switch (format)
        {
            case PlanFormat.Json:
                using (var chunks = new ChunkedWriter(console.Out)) JsonRenderer.Render(plan, chunks);
                break;
            case PlanFormat.Markdown: console.Out.Write(MarkdownRenderer.Render(plan, commentLimit)); break;
            default:
                using (var chunks = new ChunkedWriter(console.Out)) TextRenderer.Render(plan, chunks, new TextRenderOptions(Color: console.OutIsTerminal));
                break;
        }
    }
}
