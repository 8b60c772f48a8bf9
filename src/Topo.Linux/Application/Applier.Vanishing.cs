using System.Diagnostics;
using Topo.Core.Model;
using Topo.Linux.Namespaces;

namespace Topo.Linux.Application;

public sealed partial class Applier
{
    /// <summary>Host ends of veths whose namespace this apply deleted (the kernel takes them with it), with that namespace's handle.</summary>
    private readonly List<(LinkState Link, NamespaceHandle? Namespace)> _vanishing = [];

    private const int AskedByName = 32;

    /// <summary>
    /// How many of the last apply's vanishing veths were still there at the first look: the kernel
    /// was slower than the applier (tests need that case to prove the wait; a fast kernel hides it).
    /// </summary>
    internal int VanishingAtFirstLook { get; private set; }

    /// <summary>
    /// Waits until the host ends of the deleted namespaces' veths are gone, before anything is
    /// created (a name must be free) and before apply returns (verification must not see them).
    /// The kernel unregisters a dying namespace's devices in one batch, with one network
    /// synchronisation, where deleting each veth first cost one apiece (~20 ms each). Those whose
    /// namespace something else holds are deleted one by one, as before.
    /// </summary>
    private void AwaitVanished(Journal journal, Dictionary<ResourceKind, TimeSpan> byKind)
    {
        VanishingAtFirstLook = 0;
        if (_vanishing.Count == 0) return;
        var clock = Stopwatch.StartNew();
        var waits = _options.Vanishing;
        _sessions.LeaveNamespaces();
        var pending = _vanishing.ToDictionary(v => v.Link.Name, StringComparer.Ordinal);
        var dying = new HashSet<NamespaceHandle>(ReferenceEqualityComparer.Instance);
        var left = new List<(LinkState Link, string Why)>();
        var progress = TimeSpan.Zero;
        var host = Session(HostState.Host);
        var firstLook = true;
        while (pending.Count > 0)
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
            if (firstLook) VanishingAtFirstLook = present.Count;
            firstLook = false;
            if (present.Count < pending.Count)
            {
                progress = clock.Elapsed;
                foreach (var name in pending.Keys.Where(n => !present.Contains(n)).ToList()) pending.Remove(name);
            }
            if (pending.Count == 0) break;
            var quiet = clock.Elapsed - progress;
            if (quiet >= waits.NoProgress)
            {
                foreach (var (_, handle) in pending.Values)
                    if (handle is not null && !dying.Contains(handle) && handle.Life() == NamespaceLife.Dying) dying.Add(handle);
                foreach (var (name, (link, handle)) in pending.ToList())
                {
                    var isDying = handle is not null && dying.Contains(handle);
                    if (quiet < (isDying ? waits.DyingStall : waits.HeldAfter)) continue;
                    pending.Remove(name);
                    left.Add((link, isDying ? $"the kernel has not removed it in {waits.DyingStall.TotalSeconds:0} s" : "its namespace lives on (something holds it)"));
                }
            }
            if (pending.Count > 0) Thread.Sleep(2);
        }
        foreach (var (link, why) in left)
        {
            // Not undone: its namespace was deleted, which is not undone either.
            RemoveLink(link);
            journal.Record(0, $"deleted {link.Display}: {why}", "nothing", () => { });
        }
        foreach (var (link, _) in _vanishing) ForgetIndex(link.Namespace, link.Name);
        _vanishing.Clear();
        byKind[ResourceKind.Namespace] = byKind.GetValueOrDefault(ResourceKind.Namespace) + clock.Elapsed;
    }
}

/// <summary>How long the applier waits for a deleted namespace's veths to go (tests shorten them to stand for a slow kernel).</summary>
/// <param name="NoProgress">Without one of them going, after which the namespaces are asked (by handle) whether they are dying.
/// The kernel cleans dying namespaces up in batches on one worker for the whole machine; 2,000 take
/// well under a second, each batch a moment after the one before.</param>
/// <param name="HeldAfter">Before the veths of a namespace that still opens (or one the kernel cannot be
/// asked about: before Linux 6.18) are deleted one by one: something holds it (a process inside, an
/// fd) and it lives on with its veths. Not at once: our own netlink sockets in it let go of it only
/// after an RCU grace period.</param>
/// <param name="DyingStall">A dying namespace's veths are waited for this long without any going. They will
/// go, but the worker is shared: other namespaces' teardown (a whole sandbox's, another tool's) queues
/// before ours, and a busy machine stretches the RCU grace periods in it; 250 ms was seen passed in CI.</param>
internal sealed record VanishingWaits(TimeSpan NoProgress, TimeSpan HeldAfter, TimeSpan DyingStall)
{
    public static readonly VanishingWaits Default = new(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
}
