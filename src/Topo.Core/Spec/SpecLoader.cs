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

    public static LoadResult Load(string path) =>
        ReadText(path, out var failure) is { } text ? Parse(text, path) : failure!;

    /// <summary>
    /// The file's text, read with the size cap and strict UTF-8; null with the failure as a load
    /// result when it cannot be read, is too big or is not UTF-8. For callers that keep the text (the watcher).
    /// </summary>
    public static string? ReadText(string path, out LoadResult? failure)
    {
        failure = null;
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) failure = Fail(path, $"no such file: {path}");
            else if (info.Length > MaxFileBytes)
                failure = Fail(path, $"the file is {info.Length} bytes; a topology file may be at most {MaxFileBytes} bytes");
            if (failure is not null) return null;
            bytes = ReadAtMost(path, MaxFileBytes + 1);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            failure = Fail(path, $"cannot read the file: {e.Message}");
            return null;
        }
        if (bytes.Length > MaxFileBytes)
        {
            failure = Fail(path, $"the file is more than {MaxFileBytes} bytes; a topology file may be at most {MaxFileBytes} bytes");
            return null;
        }
        var bag = new DiagnosticBag(path);
        var text = TextChecks.DecodeUtf8(bytes, bag);
        if (text is null) failure = new LoadResult(null, bag.ToSortedArray());
        return text;
    }

    /// <summary>Bytes as read from a file: strict UTF-8 (a stray byte is an error at its place, not a U+FFFD), then <see cref="Parse"/>.</summary>
    public static LoadResult ParseUtf8(ReadOnlySpan<byte> bytes, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (bytes.Length > MaxFileBytes)
            return Fail(path, $"the file is {bytes.Length} bytes; a topology file may be at most {MaxFileBytes} bytes");
        var bag = new DiagnosticBag(path);
        var text = TextChecks.DecodeUtf8(bytes, bag);
        return text is null ? new LoadResult(null, bag.ToSortedArray()) : Parse(text, path);
    }

    // The size was checked, but a pipe or /proc file has none and a file may grow: read no more than the cap.
    private static byte[] ReadAtMost(string path, long limit)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
        using var copy = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while (copy.Length < limit && (read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, limit - copy.Length))) > 0)
            copy.Write(buffer, 0, read);
        return copy.ToArray();
    }

    public static LoadResult Parse(string text, string path)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(path);
        if (text.Length > MaxFileBytes)
            return Fail(path, $"the file is {text.Length} characters; a topology file may be at most {MaxFileBytes} bytes");
        var bag = new DiagnosticBag(path);
        if (TextChecks.ReportForbiddenCharacters(text, bag)) return new LoadResult(null, bag.ToSortedArray());
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
