namespace Topo.Core.Spec;

/// <summary>What a YAML scalar means under the YAML 1.2 core schema (quoted scalars are always strings).</summary>
internal enum ScalarKind { Null, Bool, Int, Float, String }

/// <summary>
/// A small YAML tree built from parser events. Our own instead of YamlDotNet's representation
/// model so duplicate keys, alias expansion and nesting depth become diagnostics, not exceptions.
/// </summary>
internal abstract class YNode(int line, int column)
{
    public int Line { get; } = line;
    public int Column { get; } = column;

    /// <summary>Nodes reachable from here with aliases expanded; bounds the work any walk can do.</summary>
    public long ExpandedSize { get; set; } = 1;
}

internal sealed class YScalar(int line, int column, string value, ScalarKind kind) : YNode(line, column)
{
    public string Value { get; } = value;
    public ScalarKind Kind { get; } = kind;
}

internal sealed class YSequence(int line, int column) : YNode(line, column)
{
    public List<YNode> Items { get; } = [];
}

internal sealed class YMapping(int line, int column) : YNode(line, column)
{
    public List<YEntry> Entries { get; } = [];
}

internal readonly record struct YEntry(YScalar Key, YNode Value);
