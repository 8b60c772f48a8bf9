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
        _items.Add(Diagnostic.Error(span, message));
    }

    public void Warning(YNode node, string message) => _items.Add(Diagnostic.Warning(At(node), message));

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
