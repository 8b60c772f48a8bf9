namespace Topo.Core.Rendering;

/// <param name="Color">
/// Emit ANSI colour (green +, yellow ~, red -, magenta -/+, dimmed reasons). Off by default: the
/// CLI turns it on only when writing to a terminal, so files and pipes never get escape bytes.
/// </param>
public sealed record TextRenderOptions(bool Color = false)
{
    public static TextRenderOptions Plain { get; } = new();
}
