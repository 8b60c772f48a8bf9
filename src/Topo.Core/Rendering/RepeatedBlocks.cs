namespace Topo.Core.Rendering;

/// <summary>
/// Where each long block (a file's content, or the lines a change removes and adds) was first shown
/// in one rendering, so that a repeat names it instead of showing it again. Every container on a
/// network gets the same hosts file: a first apply of 2,000 containers on 400-container networks
/// showed the same 400 lines 2,000 times, 35 MB of plan, where one copy a network says it all.
/// Blocks of up to <see cref="MaxLinesShownAgain"/> lines are shown again: a reference is no shorter.
/// Equal texts count as one whatever strings hold them (the resolver and the observer share one
/// string per text, so each is hashed once).
/// </summary>
internal sealed class RepeatedBlocks
{
    public const int MaxLinesShownAgain = 3;

    private readonly Dictionary<string, string> _byReference = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, string> _byText = new(StringComparer.Ordinal);
    private readonly Dictionary<(string?, string?), string> _changesByReference = new(SameStrings.Instance);
    private readonly Dictionary<(string?, string?), string> _changesByText = [];

    /// <summary>Where <paramref name="content"/> was shown before; null when it is new (then it is remembered as <paramref name="where"/>'s) or short.</summary>
    public string? ShownBefore(string content, string where)
    {
        if (LineCount(content) <= MaxLinesShownAgain) return null;
        if (_byReference.TryGetValue(content, out var seen)) return seen;
        if (!_byText.TryAdd(content, where)) seen = _byText[content];
        _byReference[content] = seen ?? where;
        return seen;
    }

    /// <summary>Where the same change (<paramref name="before"/> to <paramref name="after"/>, <paramref name="lines"/> lines shown) was shown before; null as for <see cref="ShownBefore"/>.</summary>
    public string? ChangeShownBefore(string? before, string? after, int lines, string where)
    {
        if (lines <= MaxLinesShownAgain) return null;
        if (_changesByReference.TryGetValue((before, after), out var seen)) return seen;
        if (!_changesByText.TryAdd((before, after), where)) seen = _changesByText[(before, after)];
        _changesByReference[(before, after)] = seen ?? where;
        return seen;
    }

    /// <summary>The lines a block is shown as: a last line without its newline counts, as <see cref="LineDiff.Lines"/> shows it.</summary>
    public static int LineCount(string content) => content.AsSpan().Count('\n') + (content.EndsWith('\n') ? 0 : 1);
}
