using System.Diagnostics;
using Topo.Core.Errors;
using Topo.Core.Host;
using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Linux.Namespaces;
using Topo.Linux.Netlink;
using Topo.Linux.Netlink.Transport;

namespace Topo.Linux.Application;

/// <summary>
/// Runs a plan through netlink, in order, journaling every completed step with its undo. On a
/// failure it rolls the journal back (best effort) and throws <see cref="ApplyException"/> with
/// the original error. It does not verify: the caller observes again and re-plans.
/// </summary>
public sealed partial class Applier : IDisposable
{
    private readonly NamespaceSessions _sessions;
    private readonly ApplierOptions _options;
    private readonly Dictionary<(string Namespace, string Name), int> _indexes = [];

    /// <param name="store">Named namespaces.</param>
    /// <param name="host">The namespace playing the host; null: the namespace thread's own (the process's).</param>
    public Applier(NamespaceStore store, NetNamespace? host = null, ApplierOptions? options = null)
        : this(new NamespaceSessions(store, host ?? store.Thread.Home), options, ownsSessions: true)
    {
    }

    /// <summary>Applies through sessions shared with an observer: sockets opened once per command.</summary>
    public Applier(NamespaceSessions sessions, ApplierOptions? options = null)
        : this(sessions, options, ownsSessions: false)
    {
    }

    private Applier(NamespaceSessions sessions, ApplierOptions? options, bool ownsSessions)
    {
        _sessions = sessions;
        _options = options ?? new ApplierOptions();
        _ownsSessions = ownsSessions;
    }

    private readonly bool _ownsSessions;

    /// <summary>Netlink write requests sent so far (a no-op apply sends none).</summary>
    public long WriteRequests => _sessions.WriteRequests;

    public string LockPath => _options.LockPath
        ?? Path.Combine(Path.GetDirectoryName(_sessions.Store.Options.NetnsDirectory.TrimEnd('/')) ?? "/run", "topo.lock");

    /// <summary>
    /// Takes the exclusive apply lock for longer than one <see cref="Apply"/>: a command holds it
    /// from observing to verifying, so no other apply can slip in between plan and apply.
    /// </summary>
    /// <param name="waiting">Told once, when another apply holds the lock, that this one waits and for whom.</param>
    public IDisposable AcquireLock(Action<string>? waiting = null)
    {
        var held = ApplyLock.Acquire(LockPath, _options.LockTimeout, _options.Time, waiting);
        try
        {
            Recover();
        }
        catch
        {
            held.Dispose(); // a round that cannot start must not keep others waiting
            throw;
        }
        _held = held;
        return new Release(this, held);
    }

    private ApplyLock? _held;

    private sealed class Release(Applier applier, ApplyLock held) : IDisposable
    {
        public void Dispose()
        {
            if (applier._held == held) applier._held = null;
            held.Dispose();
        }
    }

    /// <param name="onStep">Called after each step, for progress on a terminal.</param>
    public ApplyReport Apply(Plan plan, Action<PlanStep>? onStep = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var clock = Stopwatch.StartNew();
        var writesBefore = WriteRequests;
        using var exclusive = _held is null ? ApplyLock.Acquire(LockPath, _options.LockTimeout, _options.Time) : null;
        if (exclusive is not null) Recover();
        var journal = new Journal(_options.Failpoints);
        _indexes.Clear();
        _firewallDone.Clear();
        var byKind = new Dictionary<ResourceKind, TimeSpan>();
        _vanishing.Clear();
        _encoded.Clear();
        _loopbackIpv6.Clear();
        _ipv6Namespaces = [.. plan.Desired.Addresses.Where(a => a.Address.IsV6 && a.Namespace != HostState.Host).Select(a => a.Namespace)];
        // Two passes (PlanSteps): every removal first, so a name is free before anything takes it.
        foreach (var (action, step) in plan.Steps())
        {
            try
            {
                if (step == StepKind.Make) AwaitVanished(journal, byKind);
                var started = clock.Elapsed;
                _options.Failpoints.BeforeStep(journal.Count + 1);
                Run(plan, action, step, journal);
                byKind[action.Subject.Kind] = byKind.GetValueOrDefault(action.Subject.Kind) + (clock.Elapsed - started);
                onStep?.Invoke(new PlanStep(action, step));
            }
            // Whatever failed — the kernel (TopoException), a file, or topo refusing a change it
            // cannot make — the steps before it are undone; the runtime's own distress is not.
            catch (Exception e) when (!TopoException.IsFatal(e))
            {
                throw Failed(action, e, journal);
            }
        }
        try
        {
            AwaitVanished(journal, byKind); // a plan of removals only
            _sessions.AwaitAllDefaults(); // namespaces no interface moved into (network_mode: none)
        }
        catch (NamespaceDefaultsException e)
        {
            // Part of making the namespace: undone with everything else, so the next round tries again.
            throw Failed(plan.Actions.FirstOrDefault(a => a.After is NamespaceState ns && ns.Name == e.Namespace) ?? plan.Actions[^1], e, journal);
        }
        catch (Exception e) when (!TopoException.IsFatal(e))
        {
            throw Failed(plan.Actions[^1], e, journal);
        }
        EndIntents(clean: true);
        return new ApplyReport(journal.Entries, WriteRequests - writesBefore, clock.Elapsed) { ElapsedByKind = byKind };
    }

    /// <summary>Undoes what the journal holds and says so, with the kernel's own words for the failure when it gave any.</summary>
    private ApplyException Failed(PlanAction action, Exception error, Journal journal)
    {
        var applied = journal.Entries.Select(j => j.Did).ToList();
        _indexes.Clear();
        var kernel = (error as NetlinkException ?? error.InnerException as NetlinkException)?.KernelMessage;
        return new ApplyException(action, error, applied, RollBack(journal), kernel);
    }

    /// <summary>Undoes the journal; the intent log stays when something could not be undone (the next apply looks at it).</summary>
    private List<string> RollBack(Journal journal)
    {
        var failures = journal.RollBack();
        EndIntents(clean: failures.Count == 0);
        return failures;
    }

    private void Run(Plan plan, PlanAction action, StepKind step, Journal journal)
    {
        if (action.Kind == ActionKind.Update) CheckInPlace(action);
        if (action.Subject is FirewallTableState or FirewallChainState or FirewallSetState or FirewallRuleState or FirewallElementState)
        {
            ApplyFirewall(action, plan, journal);
            return;
        }
        switch (action.Kind, step)
        {
            case (ActionKind.Delete or ActionKind.Replace, StepKind.Remove):
                Delete(action, action.Before!, journal);
                break;
            case (ActionKind.Create or ActionKind.Replace, StepKind.Make):
                Create(action, action.After!, journal);
                break;
            case (ActionKind.Update, StepKind.Make):
                Update(action, action.Before!, action.After!, journal);
                break;
        }
    }

    private void Create(PlanAction action, Resource resource, Journal journal)
    {
        switch (resource)
        {
            case NamespaceState ns: CreateNamespace(action, ns, journal); break;
            case LinkState link: CreateLink(action, link, journal); break;
            case AddressState address: CreateAddress(action, address, journal); break;
            case RouteState route: CreateRoute(action, route, journal); break;
            case SysctlState sysctl: WriteSysctl(action, null, sysctl, journal); break;
            case NamespaceFileState file: WriteFile(action, file, journal); break;
            default: throw new NotSupportedException($"cannot create {resource.Display}");
        }
    }

    private void Delete(PlanAction action, Resource resource, Journal journal)
    {
        switch (resource)
        {
            case NamespaceState ns: DeleteNamespace(action, ns, journal); break;
            case LinkState link: DeleteLink(action, link, journal); break;
            case AddressState address: DeleteAddress(action, address, journal); break;
            case RouteState route: DeleteRoute(action, route, journal); break;
            case SysctlState: break; // settings are never reset (as Docker does)
            case NamespaceFileState file: DeleteFile(action, file, journal); break;
            default: throw new NotSupportedException($"cannot delete {resource.Display}");
        }
    }

    private void Update(PlanAction action, Resource before, Resource after, Journal journal)
    {
        switch (after)
        {
            case NamespaceState ns: UpdateNamespace(action, ns, journal); break;
            case LinkState link: UpdateLink(action, (LinkState)before, link, journal); break;
            case RouteState route: ReplaceRoute(action, (RouteState)before, route, journal); break;
            case SysctlState sysctl: WriteSysctl(action, (SysctlState)before, sysctl, journal); break;
            case NamespaceFileState file: WriteFile(action, file, journal); break;
            default: throw new NotSupportedException($"cannot update {after.Display} in place");
        }
    }

    /// <summary>Refuses an update carrying an attribute with no in-place path before its step sends anything (and rolls back the rest).</summary>
    private static void CheckInPlace(PlanAction action)
    {
        foreach (var change in action.Changes)
        {
            if (InPlaceUpdates.PathOf(action.Subject.Kind, change.Attribute) == UpdatePath.None)
                throw new NotSupportedException($"{change.Attribute.Name()} of {action.Subject.Display} cannot change in place");
        }
    }

    private RouteNetlinkSession Session(string ns) => _sessions.For(ns);

    /// <summary>The ifindex of a link, asked once per apply and remembered.</summary>
    private int IndexOf(string ns, string name)
    {
        if (_indexes.TryGetValue((ns, name), out var index)) return index;
        var link = Session(ns).GetLink(name)
            ?? throw new InvalidOperationException($"link {new LinkRef(ns, name)} does not exist");
        _indexes[(ns, name)] = link.Index;
        return link.Index;
    }

    private void ForgetIndex(string ns, string name) => _indexes.Remove((ns, name));

    public void Dispose()
    {
        if (_ownsNftables) _nftables?.Dispose();
        if (_hostIpv6Conf is >= 0 and var conf) Tmds.Linux.LibC.close(conf);
        _intents?.Dispose();
        if (_ownsSessions) _sessions.Dispose();
    }
}
