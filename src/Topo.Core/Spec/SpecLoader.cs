using System.Collections.Immutable;

namespace Topo.Core.Spec;

/// <summary>
/// Loads and validates a topology file. Never throws on bad input: every problem in the file
/// comes back as a diagnostic with its place, all at once, and the file is null if any is an error.
/// </summary>
public static class SpecLoader
{
    /// <summary>Far above any real topology; keeps a wrong path (a disk image, a log) from eating memory.</summary>
    public const long MaxFileBytes = 16 * 1024 * 1024;

    public static LoadResult Load(string path)
    {
        string text;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) return Fail(path, $"no such file: {path}");
            if (info.Length > MaxFileBytes)
                return Fail(path, $"the file is {info.Length} bytes; a topology file may be at most {MaxFileBytes} bytes");
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return Fail(path, $"cannot read the file: {e.Message}");
        }
        return Parse(text, path);
    }

    public static LoadResult Parse(string text, string path)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(path);
        if (text.Length > MaxFileBytes)
            return Fail(path, $"the file is {text.Length} characters; a topology file may be at most {MaxFileBytes} bytes");
        var bag = new DiagnosticBag(path);
        try
        {
            var root = YamlTreeBuilder.Build(text, bag);
            if (bag.HasErrors) return new LoadResult(null, bag.ToSortedArray());
            var draft = TopologyReader.Read(root, bag);
            if (draft is null) return new LoadResult(null, bag.ToSortedArray());
            NetworkChecks.Check(draft.Networks, bag);
            ContainerChecks.Check(draft.Networks, draft.Containers, bag);
            var file = bag.HasErrors ? null : TopologyReader.ToFile(draft, path);
            return new LoadResult(file, bag.ToSortedArray());
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug of ours must still not crash the caller; say where to look.
            bag.Error(new SourceSpan(path, 1, 1), $"internal error while reading the file ({e.GetType().Name}: {e.Message}); please report it");
            return new LoadResult(null, bag.ToSortedArray());
        }
    }

    private static LoadResult Fail(string path, string message) =>
        new(null, [Diagnostic.Error(new SourceSpan(path, 1, 1), message)]);
}
