using System.Collections.Immutable;

namespace Topo.Core.Spec;

/// <summary>Collects diagnostics for one file so every check can report and go on.</summary>
internal sealed class DiagnosticBag(string file)
{
    private readonly List<Diagnostic> _items = [];

    public string File { get; } = file;

    public bool HasErrors { get; private set; }

    public int Count => _items.Count;

    public SourceSpan At(YNode node) => new(File, node.Line, node.Column);

    public void Error(YNode node, string message) => Error(At(node), message);

    public void Error(SourceSpan span, string message)
    {
        HasErrors = true;
        _items.Add(Diagnostic.Error(span, Printable(message)));
    }

    public void Warning(YNode node, string message) => _items.Add(Diagnostic.Warning(At(node), Printable(message)));

    /// <summary>Longer messages lose their middle: one quoted 16 MB name must not make a 16 MB line.</summary>
    internal const int MaxMessageLength = 600;

    /// <summary>
    /// Messages quote the file's own text (a name, a value); control characters in it are shown as
    /// escapes so a hostile file cannot break the one-line-per-problem output or drive the terminal,
    /// and a very long message keeps its start and its end (the reason) around a marked gap.
    /// </summary>
    internal static string Printable(string message)
    {
        if (message.Length > MaxMessageLength)
        {
            var head = message[..(MaxMessageLength / 2)];
            var tail = message[^(MaxMessageLength / 2 - 60)..];
            message = $"{head}…[{message.Length - head.Length - tail.Length} characters left out]…{tail}";
        }
        var clean = true;
        foreach (var c in message) if (IsControl(c)) { clean = false; break; }
        if (clean) return message;
        var sb = new System.Text.StringBuilder(message.Length + 16);
        foreach (var c in message) sb.Append(IsControl(c) ? $"\\u{(int)c:X4}" : c);
        return sb.ToString();
    }

    private static bool IsControl(char c) => c < ' ' || c is >= '\u007F' and <= '\u009F';

    /// <summary>In file order; a stable sort keeps checks that share a position in the order they ran.</summary>
    public ImmutableArray<Diagnostic> ToSortedArray()
    {
        var copy = _items.ToArray();
        var keys = new (int, int, int)[copy.Length];
        for (var i = 0; i < copy.Length; i++)
            keys[i] = (copy[i].Span?.Line ?? 0, copy[i].Span?.Column ?? 0, i);
        Array.Sort(keys, copy);
        return ImmutableArray.Create(copy);
    }
}
