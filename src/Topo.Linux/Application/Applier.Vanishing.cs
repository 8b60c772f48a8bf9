using System.Diagnostics;
using Topo.Core.Model;

namespace Topo.Linux.Application;

public sealed partial class Applier
{
    /// <summary>Host ends of veths whose namespace this apply deleted: the kernel takes them with it.</summary>
    private readonly List<LinkState> _vanishing = [];

    /// <summary>
    /// How long without one of them going before the rest are taken to be held: a namespace lives
    /// on while anything keeps it (a process inside, an open fd), and so do its veths. The kernel
    /// cleans dying namespaces up in batches on a worker; 2,000 take well under a second, each
    /// batch a moment after the one before.
    /// </summary>
    private static readonly TimeSpan NoProgress = TimeSpan.FromMilliseconds(250);

    private const int AskedByName = 32;

    /// <summary>
    /// Waits until the host ends of the deleted namespaces' veths are gone, before anything is
    /// created (a name must be free) and before apply returns (verification must not see them).
    /// The kernel unregisters a dying namespace's devices in one batch, with one network
    /// synchronisation, where deleting each veth first cost one apiece (~20 ms each). Those still
    /// there when the kernel stops making progress belong to a namespace something else holds:
    /// they are deleted one by one, as before.
    /// </summary>
    private void AwaitVanished(Journal journal, Dictionary<ResourceKind, TimeSpan> byKind)
    {
        if (_vanishing.Count == 0) return;
        var clock = Stopwatch.StartNew();
        _sessions.LeaveNamespaces();
        var pending = _vanishing.ToDictionary(l => l.Name, StringComparer.Ordinal);
        var progress = TimeSpan.Zero;
        var host = Session(HostState.Host);
        while (pending.Count > 0 && clock.Elapsed - progress < NoProgress)
        {
            // A few are asked for by name; many, in one dump (of every host link: at 2,000
            // containers ~90 ms, as the kernel finds each veth's peer namespace id by a scan).
            var present = new HashSet<string>(StringComparer.Ordinal);
            if (pending.Count <= AskedByName)
            {
                foreach (var name in pending.Keys)
                    if (host.GetLink(name) is not null) present.Add(name);
            }
            else
            {
                foreach (var link in host.DumpLinks())
                    if (link.Name is { } name && pending.ContainsKey(name)) present.Add(name);
            }
            if (present.Count < pending.Count)
            {
                progress = clock.Elapsed;
                foreach (var name in pending.Keys.Where(n => !present.Contains(n)).ToList()) pending.Remove(name);
            }
            if (pending.Count > 0) Thread.Sleep(2);
        }
        foreach (var link in pending.Values)
        {
            // Not undone: its namespace was deleted, which is not undone either.
            RemoveLink(link);
            journal.Record(0, $"deleted {link.Display}: its namespace lives on (something holds it)", "nothing", () => { });
        }
        foreach (var link in _vanishing) ForgetIndex(link.Namespace, link.Name);
        _vanishing.Clear();
        byKind[ResourceKind.Namespace] = byKind.GetValueOrDefault(ResourceKind.Namespace) + clock.Elapsed;
    }
}
