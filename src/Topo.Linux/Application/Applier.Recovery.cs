using Topo.Core.Errors;
using Topo.Core.Model;
using Topo.Linux.Namespaces;
using Topo.Linux.Netlink;
using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.Transport;

namespace Topo.Linux.Application;

/// <summary>
/// Finishing what a dead apply left (docs/crash-safety.md): under the apply lock, before anything
/// is observed, every object its intent log names and that is still half-made is removed, so the
/// plan that follows makes it whole, as if that apply had never begun it.
/// </summary>
public sealed partial class Applier
{
    private IntentLog? _intents;

    /// <summary>The intent log: "topo.intent" beside the lock (/run/topo.intent).</summary>
    public string IntentLogPath => _options.IntentLogPath ?? Path.Combine(Path.GetDirectoryName(LockPath)!, "topo.intent");

    private IntentLog Intents => _intents ??= new IntentLog(IntentLogPath);

    /// <summary>What the last recovery removed, one line each (empty: no apply had died).</summary>
    public IReadOnlyList<string> Recovered { get; private set; } = [];

    /// <summary>Runs with the lock held: no live apply writes the log meanwhile, so every record in it is a dead one's.</summary>
    private void Recover()
    {
        var intents = IntentLog.Read(IntentLogPath);
        if (intents.Count == 0)
        {
            Recovered = [];
            return;
        }
        var removed = new List<string>();
        var failed = 0;
        _recoveredIdentities.Clear();
        foreach (var intent in intents)
        {
            try
            {
                if (RecoverOne(intent) is { } what) removed.Add(what);
            }
            catch (Exception e) when (!TopoException.IsFatal(e))
            {
                // Kept for the next apply; meanwhile the plan names the object as it finds it.
                removed.Add($"could not remove what an interrupted apply left ({intent.Kind} {intent.Name}): {e.Message}");
                failed++;
            }
        }
        if (failed == 0) IntentLog.Remove(IntentLogPath);
        Recovered = removed;
    }

    private string? RecoverOne(Intent intent)
    {
        var store = _sessions.Store;
        switch (intent.Kind)
        {
            case IntentKind.Link:
            {
                // An unlabelled link of that name is the one the dead apply created: the kernel
                // takes no alias in the create request, so it is named before it is labelled.
                if (intent.Namespace != HostState.Host && IdentityOrNull(intent.Namespace) is null) return null;
                var session = Session(intent.Namespace);
                if (session.GetLink(intent.Name) is not { } link || Label.TryParse(link.Alias, out _)) return null;
                try
                {
                    session.DeleteLink(intent.Name, $"delete unlabelled {new LinkRef(intent.Namespace, intent.Name)}");
                }
                catch (NetlinkException e) when (e.IsNotFound)
                {
                    return null; // its peer or namespace went first
                }
                return $"removed link {new LinkRef(intent.Namespace, intent.Name)}: created by an interrupted apply, never labelled";
            }
            case IntentKind.Namespace:
            {
                var identity = IdentityOrNull(intent.Name);
                if (identity is { } id && id == intent.Identity)
                {
                    // Made by the dead apply (the same nsfs inode), labelled or not, its IPv6
                    // default written or not: made again from scratch. Its veths go first, from
                    // inside, each with its host end: a dying namespace frees its devices later, in
                    // the kernel's own time, and the host ends must be gone before planning.
                    var session = Session(intent.Name);
                    foreach (var l in session.DumpLinks())
                        if ((l.Flags & InterfaceFlags.Loopback) == 0 && l.Name is { } n)
                            try { session.DeleteLink(n, $"delete {intent.Name}/{n}"); } catch (NetlinkException e) when (e.IsNotFound) { }
                    RemoveNamespace(intent.Name);
                    _recoveredIdentities.Add(id);
                    return $"removed namespace {intent.Name}: made by an interrupted apply";
                }
                if (identity is null && File.Exists(store.PathOf(intent.Name)))
                {
                    store.Delete(intent.Name); // the mount point, made after this record and never mounted
                    return $"removed {store.PathOf(intent.Name)}: a mount point an interrupted apply never mounted";
                }
                return null;
            }
            case IntentKind.Bind:
            {
                var identity = IdentityOrNull(intent.Name);
                if (identity is { } id && _recoveredIdentities.Contains(id))
                {
                    store.Delete(intent.Name); // a second name of a namespace removed above
                    return $"removed namespace name {intent.Name}: given by an interrupted apply to a namespace it made";
                }
                if (identity is null && File.Exists(store.PathOf(intent.Name)))
                {
                    store.Delete(intent.Name);
                    return $"removed {store.PathOf(intent.Name)}: a mount point an interrupted apply never bound";
                }
                return null;
            }
            case IntentKind.Unname:
            {
                // Removing a name is: unmount, unlink, remove /etc/netns/NAME. A live namespace
                // there means it never began (the plan removes it again); otherwise finish it.
                if (IdentityOrNull(intent.Name) is not null) return null;
                var etc = Path.Combine(store.Options.EtcDirectory, intent.Name);
                if (!File.Exists(store.PathOf(intent.Name)) && !Directory.Exists(etc)) return null;
                store.Delete(intent.Name);
                return $"finished removing namespace {intent.Name}, which an interrupted apply had begun";
            }
            case IntentKind.File:
            {
                using var dir = Namespaces.NamespaceFiles.OpenDirectory(store.Options.EtcDirectory, intent.Namespace, create: false);
                if (dir is null || !Namespaces.NamespaceFiles.Delete(dir, intent.Name)) return null;
                return $"removed {Path.Combine(dir.Path, intent.Name)}: a temporary an interrupted apply never renamed";
            }
            default:
                return null;
        }
    }

    private readonly HashSet<NamespaceIdentity> _recoveredIdentities = [];

    /// <summary>The nsfs identity of name NS; null when there is no namespace behind it (no file, or a plain one).</summary>
    private NamespaceIdentity? IdentityOrNull(string ns)
    {
        try
        {
            return _sessions.Store.Identity(ns);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The apply ended: its records are void unless a rollback left something behind.</summary>
    private void EndIntents(bool clean)
    {
        if (_intents is null) return;
        if (clean) _intents.Clear();
        else _intents.Dispose();
    }
}
