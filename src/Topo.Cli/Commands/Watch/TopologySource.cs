using System.Security.Cryptography;
using Topo.Core.Spec;

namespace Topo.Cli.Commands.Watch;

/// <summary>What reading the file again gave.</summary>
/// <param name="Changed">The file's content differs from the topology in force.</param>
internal sealed record ReloadResult(bool Valid, bool Changed, IReadOnlyList<Diagnostic> Diagnostics);

/// <summary>
/// The topology the watcher enforces: the last version of the file that loaded without an
/// error. A file that turns invalid (half written, a typo) never replaces it.
/// </summary>
internal sealed class TopologySource(string path)
{
    private string? _goodText;

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>The last good topology; null until the file has loaded once.</summary>
    public TopologyFile? Current { get; private set; }

    /// <summary>The text of <see cref="Current"/> (kept for `topo status`).</summary>
    public string? CurrentText => _goodText;

    /// <summary>When <see cref="Current"/> was loaded.</summary>
    public DateTimeOffset? LoadedAt { get; private set; }

    public ReloadResult Reload()
    {
        // With the loader's size cap and strict UTF-8: a file edited into 50 MB or binary is an error, not a read of it all.
        if (SpecLoader.ReadText(Path, out var failure) is not { } text) return new ReloadResult(false, false, failure!.Diagnostics);
        if (text == _goodText) return new ReloadResult(true, false, []);

        var loaded = SpecLoader.Parse(text, Path);
        if (loaded.File is not { } file || loaded.Diagnostics.Any(d => d.Severity == Severity.Error))
        {
            return new ReloadResult(false, false, loaded.Diagnostics);
        }
        if (Current is { } current && current.Name != file.Name)
        {
            // A new name is a new project: the old one's objects would be orphaned on the host.
            return new ReloadResult(false, false,
            [
                Diagnostic.Error(file.Span,
                    $"the project name changed from \"{current.Name}\" to \"{file.Name}\"; a watcher keeps one project " +
                    $"(run `topo destroy` on the old file, then restart the watcher)"),
            ]);
        }
        Current = file;
        _goodText = text;
        LoadedAt = DateTimeOffset.Now;
        return new ReloadResult(true, true, loaded.Diagnostics);
    }

    /// <summary>A short fingerprint of the topology in force, for logs and status.</summary>
    public string Fingerprint => _goodText is null
        ? "-"
        : Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(_goodText)))[..12];
}
