using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Topo.Linux.Monitoring;
using Topo.Linux.Namespaces;
using Topo.Linux.Netlink.Transport;

namespace Topo.Cli.Linux;

/// <summary>
/// The watcher's change feed on Linux: the kernel monitor, following namespaces by name, and
/// the namespace directory. A name deleted with <c>ip netns del</c> makes no kernel notification
/// while the watcher's own socket keeps that namespace alive, so the directory is watched too.
/// </summary>
internal sealed class LinuxChangeFeed : IChangeFeed
{
    private readonly KernelMonitor _monitor;
    private readonly NamespaceStore _store;
    private readonly FileSystemWatcher _names;
    private readonly Channel<FeedChange> _changes = Channel.CreateUnbounded<FeedChange>(new UnboundedChannelOptions { SingleReader = true });
    private volatile HashSet<string> _followed = new(StringComparer.Ordinal);

    public LinuxChangeFeed(KernelMonitor monitor, NamespaceStore store)
    {
        _monitor = monitor;
        _store = store;
        var directory = store.Options.NetnsDirectory;
        Directory.CreateDirectory(directory); // as `ip netns add` would: topo puts its namespaces there
        _names = new FileSystemWatcher(directory) { NotifyFilter = NotifyFilters.FileName, IncludeSubdirectories = false };
        _names.Created += (_, e) => NameChanged(e.Name, "added");
        _names.Deleted += (_, e) => NameChanged(e.Name, "deleted");
        _names.Renamed += (_, e) =>
        {
            NameChanged(e.OldName, "renamed away");
            NameChanged(e.Name, "added");
        };
        _names.EnableRaisingEvents = true;
    }

    /// <summary>Only the project's names count: other projects' namespaces come and go.</summary>
    private void NameChanged(string? name, string what)
    {
        if (name is not null && _followed.Contains(name)) _changes.Writer.TryWrite(new FeedChange($"namespace {name} {what}", name));
    }

    public async IAsyncEnumerable<FeedChange> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var change in _monitor.Changes.ReadAllAsync(cancellationToken)) _changes.Writer.TryWrite(ToFeed(change));
                _changes.Writer.TryComplete();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                _changes.Writer.TryComplete(e); // the monitor failed: so does the feed
            }
        }, CancellationToken.None);
        await foreach (var change in _changes.Reader.ReadAllAsync(cancellationToken)) yield return change;
    }

    /// <summary>
    /// Where a kernel change was: an overflow may hide a change anywhere; the firewall is the
    /// host's; a host link is named, so that the watcher reads that one again and not every host
    /// link (one without a name counts as an overflow: the kernel always names them).
    /// </summary>
    internal static FeedChange ToFeed(KernelChange change) => change switch
    {
        { Kind: KernelChangeKind.Overflow } => new(change.ToString(), null),
        { Kind: KernelChangeKind.Firewall } => new(change.ToString(), ""),
        { Kind: KernelChangeKind.Link, IsHost: true, LinkName: null } => new(change.ToString(), null),
        { Kind: KernelChangeKind.Link, IsHost: true } => new(change.ToString(), "") { HostLink = change.LinkName },
        _ => new(change.ToString(), change.Namespace),
    };

    /// <summary>
    /// Namespaces that cannot be opened (deleted since) are skipped: the next round notices.
    /// The handles are needed only while the kernel hands out nsids, so they are closed after:
    /// a watcher of 500 containers keeps no extra descriptor per namespace.
    /// </summary>
    public IReadOnlySet<string> Follow(IReadOnlyCollection<string> namespaces)
    {
        _followed = new HashSet<string>(namespaces, StringComparer.Ordinal);
        var handles = new Dictionary<string, NetNamespace>(StringComparer.Ordinal);
        foreach (var name in namespaces)
        {
            try { handles[name] = _store.Open(name); }
            catch (IOException) { }
        }
        try
        {
            return Watch(handles);
        }
        finally
        {
            foreach (var handle in handles.Values) handle.Dispose();
        }
    }

    private IReadOnlySet<string> Watch(Dictionary<string, NetNamespace> handles)
    {
        try
        {
            return _monitor.Watch(handles);
        }
        catch (NetlinkException)
        {
            // All or nothing: one namespace gone between observing and here spoils the set.
            // Keep the ones the kernel still accepts; the next round sees the rest.
            var usable = handles.Where(h => Accepts(h.Key, h.Value)).ToDictionary();
            return _monitor.Watch(usable);
        }
    }

    private bool Accepts(string name, NetNamespace handle)
    {
        try
        {
            _monitor.Watch(new Dictionary<string, NetNamespace> { [name] = handle });
            return true;
        }
        catch (NetlinkException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        _names.Dispose();
        _monitor.Dispose();
    }
}
