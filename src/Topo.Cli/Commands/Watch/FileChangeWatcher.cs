using Microsoft.Extensions.Hosting;

namespace Topo.Cli.Commands.Watch;

/// <summary>
/// Posts a <see cref="TriggerKind.File"/> trigger when the topology file may have changed. It
/// watches the directory, not the file: editors and deployment tools replace a file by writing a
/// temporary one and renaming it over (or by swapping a symlink), which a watch on the old inode
/// would miss. Events are debounced, and a trigger is posted only when the file's content
/// differs from what was last seen (other files in the directory, a touch: nothing to do).
/// </summary>
internal sealed class FileChangeWatcher(WatchOptions options, TopologySource source, TriggerQueue queue) : IHostedService, IDisposable
{
    private FileSystemWatcher? _watcher;
    private Timer? _debounce;
    private byte[]? _seen;
    private string _path = "";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _path = Path.GetFullPath(options.File);
        var directory = Path.GetDirectoryName(_path)!;
        var name = Path.GetFileName(_path);
        // What was loaded, not what is on disk now: an edit made since then must still count.
        _seen = source.CurrentText is { } loaded ? System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(loaded)) : null;
        _debounce = new Timer(_ => PostIfChanged());
        _watcher = new FileSystemWatcher(directory)
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            IncludeSubdirectories = false,
        };
        _watcher.Changed += (_, e) => { if (e.Name == name) Poke(); };
        _watcher.Deleted += (_, e) => { if (e.Name == name) Poke(); };
        // Any creation or rename may be a symlink swap (e.g. a Kubernetes ConfigMap's ..data).
        _watcher.Created += (_, _) => Poke();
        _watcher.Renamed += (_, _) => Poke();
        // The kernel's inotify queue overflowed: something changed, we cannot tell what.
        _watcher.Error += (_, _) => Poke();
        _watcher.EnableRaisingEvents = true;
        return Task.CompletedTask;
    }

    private void PostIfChanged()
    {
        var now = Fingerprint();
        if (now is not null && _seen is not null && now.AsSpan().SequenceEqual(_seen)) return;
        if (now is null && _seen is null) return;
        _seen = now;
        queue.Post(new Trigger(TriggerKind.File, now is null ? $"file {_path} removed" : $"file {_path} changed"));
    }

    /// <summary>SHA-256 of the content (through symlinks), or null when it cannot be read.</summary>
    private byte[]? Fingerprint()
    {
        try
        {
            return System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(_path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void Poke() => _debounce?.Change(options.FileDebounce, Timeout.InfiniteTimeSpan);

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _watcher = null;
        _debounce?.Dispose();
        _debounce = null;
    }
}
