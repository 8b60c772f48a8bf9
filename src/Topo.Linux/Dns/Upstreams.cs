using System.Net;
using Microsoft.Extensions.Logging;

namespace Topo.Linux.Dns;

/// <summary>
/// The upstream servers: the host's resolv.conf <c>nameserver</c>s, read again the moment the file
/// changes. Watched through its directory (editors and resolvconf/systemd-resolved replace it by
/// rename) and, when it is a symlink (/etc/resolv.conf → /run/systemd/resolve/stub-resolv.conf),
/// through its target's directory too. A file that is missing or lists no server means none:
/// forwards then get SERVFAIL at once.
/// </summary>
internal sealed class Upstreams : IDisposable
{
    private readonly string _path;
    private readonly ILogger _log;
    private readonly object _gate = new();
    private readonly List<FileSystemWatcher> _watchers = [];
    private string? _watchedTarget;
    private volatile IPEndPoint[] _servers = [];
    private bool _disposed;

    public Upstreams(string path, ILogger log)
    {
        _path = Path.GetFullPath(path);
        _log = log;
        Reload();
    }

    /// <summary>The servers in resolv.conf order (a snapshot; a reload replaces it whole).</summary>
    public IReadOnlyList<IPEndPoint> Servers => _servers;

    /// <summary>Reads the file again (also called by the watchers) and re-arms the watchers when the symlink's target moved.</summary>
    public void Reload()
    {
        lock (_gate)
        {
            if (_disposed) return;
            var target = Target();
            if (target != _watchedTarget) Rewatch(target);
            IPEndPoint[] servers;
            try
            {
                servers = [.. ResolvConf.Parse(File.ReadAllText(_path))];
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                servers = [];
            }
            var old = _servers;
            _servers = servers;
            if (!old.SequenceEqual(servers)) _log.UpstreamsChanged(_path, servers.Length == 0 ? "none" : string.Join(", ", servers.Select(s => s.Address)));
        }
    }

    /// <summary>Where the path finally leads (itself when it is no symlink or the link is broken).</summary>
    private string Target()
    {
        try
        {
            return File.ResolveLinkTarget(_path, returnFinalTarget: true)?.FullName ?? _path;
        }
        catch (IOException)
        {
            return _path;
        }
    }

    private void Rewatch(string target)
    {
        foreach (var w in _watchers) w.Dispose();
        _watchers.Clear();
        _watchedTarget = target;
        foreach (var file in new[] { _path, target }.Distinct())
        {
            var directory = Path.GetDirectoryName(file);
            if (directory is null || !Directory.Exists(directory)) continue;
            try
            {
                var watcher = new FileSystemWatcher(directory, Path.GetFileName(file))
                {
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                };
                watcher.Changed += OnEvent;
                watcher.Created += OnEvent;
                watcher.Deleted += OnEvent;
                watcher.Renamed += OnEvent;
                watcher.Error += (_, _) => Reload(); // events were lost: read it anyway
                watcher.EnableRaisingEvents = true;
                _watchers.Add(watcher);
            }
            catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException)
            {
                _log.UpstreamWatchFailed(directory, e);
            }
        }
    }

    private void OnEvent(object sender, FileSystemEventArgs e) => ThreadPool.UnsafeQueueUserWorkItem(static self => self.Reload(), this, preferLocal: false);

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            foreach (var w in _watchers) w.Dispose();
            _watchers.Clear();
        }
    }
}
