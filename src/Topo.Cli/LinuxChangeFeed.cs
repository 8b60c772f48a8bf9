using System.Runtime.CompilerServices;
using Topo.Linux.Monitoring;
using Topo.Linux.Namespaces;
using Topo.Linux.Netlink.Transport;

namespace Topo.Cli;

/// <summary>The watcher's change feed on Linux: the kernel monitor, following namespaces by name.</summary>
internal sealed class LinuxChangeFeed(KernelMonitor monitor, NamespaceStore store) : IChangeFeed
{
    public async IAsyncEnumerable<string> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var change in monitor.Changes.ReadAllAsync(cancellationToken)) yield return change.ToString();
    }

    /// <summary>
    /// Namespaces that cannot be opened (deleted since) are skipped: the next round notices.
    /// The handles are needed only while the kernel hands out nsids, so they are closed after:
    /// a watcher of 500 containers keeps no extra descriptor per namespace.
    /// </summary>
    public void Follow(IReadOnlyCollection<string> namespaces)
    {
        var handles = new Dictionary<string, NetNamespace>(StringComparer.Ordinal);
        foreach (var name in namespaces)
        {
            try { handles[name] = store.Open(name); }
            catch (IOException) { }
        }
        try
        {
            Watch(handles);
        }
        finally
        {
            foreach (var handle in handles.Values) handle.Dispose();
        }
    }

    private void Watch(Dictionary<string, NetNamespace> handles)
    {
        try
        {
            monitor.Watch(handles);
        }
        catch (NetlinkException)
        {
            // All or nothing: one namespace gone between observing and here spoils the set.
            // Keep the ones the kernel still accepts; the next round sees the rest.
            var usable = handles.Where(h => Accepts(h.Key, h.Value)).ToDictionary();
            monitor.Watch(usable);
        }
    }

    private bool Accepts(string name, NetNamespace handle)
    {
        try
        {
            monitor.Watch(new Dictionary<string, NetNamespace> { [name] = handle });
            return true;
        }
        catch (NetlinkException)
        {
            return false;
        }
    }

    public void Dispose() => monitor.Dispose();
}
