using System.Collections.Immutable;
using System.Text.Json;
using Json.Schema;

using Topo.Core.Spec;

namespace Topo.Core.Tests.Spec;

/// <summary>
/// Checks a topology file against schemas/topo.schema.json, with the place of each problem where
/// the schema can say it. The loader is the authority; the schema is for editors, and this keeps
/// the two in agreement (a test aid: the product never reads the schema).
/// </summary>
internal static class SchemaValidator
{
    private static readonly Lazy<string> Text = new(() => File.ReadAllText(Path.Combine(RepoPaths.Schemas, "topo.schema.json")));
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(Text.Value, new BuildOptions { SchemaRegistry = new SchemaRegistry() }));

    public static ImmutableArray<Diagnostic> ValidateFile(string path)
    {
        try
        {
            return Validate(File.ReadAllText(path), path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [Diagnostic.Error(new SourceSpan(path, 1, 1), $"cannot read the file: {e.Message}")];
        }
    }

    public static ImmutableArray<Diagnostic> Validate(string text, string path)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > SpecLoader.MaxFileBytes)
            return [Diagnostic.Error(new SourceSpan(path, 1, 1), $"the file is {text.Length} characters; a topology file may be at most {SpecLoader.MaxFileBytes} bytes")];
        var bag = new DiagnosticBag(path);
        var root = YamlTreeBuilder.Build(text, bag);
        if (bag.HasErrors) return bag.ToSortedArray();

        var json = root is null ? null : YamlJsonConverter.ToJson(root);
        using var document = JsonDocument.Parse(json?.ToJsonString() ?? "null");
        var results = Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });
        if (results.IsValid) return bag.ToSortedArray();

        Collect(results, root, bag, new HashSet<(int, int, string)>());
        if (!bag.HasErrors) bag.Error(new SourceSpan(path, 1, 1), "schema: the file does not match topo.schema.json");
        return bag.ToSortedArray();
    }

    /// <summary>
    /// Walks only into failed nodes: a failure under a <c>not</c> or a losing <c>anyOf</c> branch
    /// sits under a node that passed and is no problem of the file's.
    /// </summary>
    private static void Collect(EvaluationResults node, YNode? root, DiagnosticBag bag, HashSet<(int, int, string)> seen)
    {
        // An "if" that fails only picks the "else"; it is no error of the file's.
        if (node.IsValid || node.EvaluationPath.ToString().EndsWith("/if", StringComparison.Ordinal)) return;
        if (node.Errors is { Count: > 0 } errors)
        {
            var pointer = node.InstanceLocation.ToString();
            var evaluationPath = node.EvaluationPath.ToString();
            var unknownKey = evaluationPath.EndsWith("/additionalProperties", StringComparison.Ordinal)
                && errors.Count == 1 && errors.Values.First().Contains("false schema", StringComparison.Ordinal);
            var onKey = unknownKey || evaluationPath.Contains("/propertyNames", StringComparison.Ordinal)
                || errors.Values.Any(m => m.Contains("false schema", StringComparison.Ordinal));
            var at = Locate(root, pointer, onKey) is { } found ? bag.At(found) : new SourceSpan(bag.File, 1, 1);
            foreach (var (_, message) in errors)
            {
                var key = pointer.Length > 0 ? Unescape(pointer[(pointer.LastIndexOf('/') + 1)..]) : "";
                var text = unknownKey ? $"schema: unknown key '{key}' (at {pointer})"
                    : message.Contains("false schema", StringComparison.Ordinal) && key.Length > 0 ? $"schema: '{key}' is not allowed here (at {pointer})"
                    : $"schema: {message} (at {(pointer.Length == 0 ? "/" : pointer)})";
                if (seen.Add((at.Line, at.Column, text))) bag.Error(at, text);
            }
        }
        var children = node.Details ?? [];
        var anyTypeMatched = false;
        foreach (var child in children) anyTypeMatched |= IsBranch(child) && !IsTypeMismatch(child);
        foreach (var child in children)
        {
            // "a string or a mapping": once one branch matched the value's type, the other branch's
            // type complaint is no news.
            if (anyTypeMatched && IsBranch(child) && IsTypeMismatch(child)) continue;
            Collect(child, root, bag, seen);
        }
    }

    private static bool IsBranch(EvaluationResults child)
    {
        var path = child.EvaluationPath.ToString();
        var end = path.LastIndexOf('/');
        return end > 0 && (path.AsSpan(0, end).EndsWith("/oneOf", StringComparison.Ordinal) || path.AsSpan(0, end).EndsWith("/anyOf", StringComparison.Ordinal));
    }

    private static bool IsTypeMismatch(EvaluationResults branch) =>
        !branch.IsValid && branch.Errors is { Count: 1 } e && e.ContainsKey("type");

    private static string Unescape(string segment) =>
        segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);

    /// <summary>Follows a JSON pointer through the YAML tree; gives the key node when asked and the pointer ends at an entry.</summary>
    private static YNode? Locate(YNode? root, string pointer, bool onKey)
    {
        var node = root;
        if (pointer.Length == 0) return node;
        var segments = pointer[1..].Split('/');
        for (var i = 0; i < segments.Length && node is not null; i++)
        {
            var segment = Unescape(segments[i]);
            var last = i == segments.Length - 1;
            switch (node)
            {
                case YMapping m:
                    var entry = m.Entries.Find(e => e.Key.Value == segment);
                    if (entry.Key is null) return node;
                    node = last && onKey ? entry.Key : entry.Value;
                    break;
                case YSequence s when int.TryParse(segment, out var index) && index >= 0 && index < s.Items.Count:
                    node = s.Items[index];
                    break;
                default:
                    return node;
            }
        }
        return node;
    }
}
