using System.Diagnostics;
using Topo.Core.Host;
using Topo.Core.Inventory;
using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Resolution;
using Topo.Core.Spec;

namespace Topo.Cli.Commands;

/// <summary>What one round of observe → plan → apply → observe again found and did.</summary>
/// <param name="Plan">What was applied (null when planning failed).</param>
/// <param name="Errors">Why planning failed, or why the host is still different after applying.</param>
/// <param name="Remaining">The plan after applying: empty when the host converged.</param>
/// <param name="Warnings">What planning had to say that does not stop it.</param>
internal sealed record ConvergeResult(
    Plan? Plan,
    IReadOnlyList<Diagnostic> Warnings,
    IReadOnlyList<Diagnostic> Errors,
    Plan? Remaining,
    ApplyOutcome? Applied,
    TimeSpan ApplyTime,
    TimeSpan VerifyTime)
{
    /// <summary>Observing and planning, before anything changed.</summary>
    public TimeSpan PlanTime { get; init; }

    /// <summary>The file resolved against the host (null when resolving failed): what the DNS views are built from.</summary>
    public Topology? Topology { get; init; }

    public bool PlanFailed => Plan is null;

    public bool NothingToDo => Plan is { IsEmpty: true };

    public bool Converged => Plan is not null && Errors.Count == 0 && (Plan.IsEmpty || Remaining is { IsEmpty: true });
}

/// <summary>
/// One convergence round, shared by apply, destroy and the watcher: under the apply lock,
/// observe, plan, apply, observe again and compare with the same desired state. Callers print
/// or log; this only does the work.
/// Throws the host port's errors (Topo.Core.Host): ApplyException for a failed step, ApplyLockException.
/// </summary>
internal static class Convergence
{
    /// <param name="planFor">Plans against what was observed; the plan's desired state is what the host is checked against after applying.</param>
    /// <param name="beforeApply">Sees the plan before anything changes (apply prints it).</param>
    /// <param name="beforeVerify">Runs between applying and observing again (apply ends its progress display).</param>
    /// <param name="notice">Told that this round waits for another apply's lock, and what recovery from a dead apply removed (apply prints it, watch logs it).</param>
    /// <param name="known">
    /// What is known not to have changed since this host last read it, whose last reading stands
    /// (the watcher: namespaces and host links the kernel reported no change in); null: everything
    /// is read. Waiting for another apply's lock, or finishing a dead one's work, means another
    /// process changed the host meanwhile: then everything is read.
    /// </param>
    public static ConvergeResult Run(
        IHostAccess host,
        TopologyFile? spec,
        Func<HostState, PlanOutcome> planFor,
        Action<Plan>? beforeApply = null,
        Action<PlanStep>? onStep = null,
        Action? beforeVerify = null,
        Action<string>? notice = null,
        KnownUnchanged? known = null)
    {
        var toldOfOthers = false;
        using var held = host.Lock(message =>
        {
            toldOfOthers = true;
            notice?.Invoke(message);
        });
        var clock = Stopwatch.StartNew();
        var observed = HostObservation.For(host, spec, toldOfOthers ? null : known);
        var outcome = planFor(observed);
        var planTime = clock.Elapsed;
        var warnings = outcome.Errors.Where(d => d.Severity != Severity.Error).ToList();
        if (outcome.Plan is not { } plan || warnings.Count != outcome.Errors.Length)
        {
            return new ConvergeResult(null, [], outcome.Errors, null, null, TimeSpan.Zero, TimeSpan.Zero) { PlanTime = planTime, Topology = outcome.Topology };
        }
        if (plan.IsEmpty)
        {
            KeepRecords(host, observed, plan, spec, notice);   // the file may change what only the records hold (ip_range)
            return new ConvergeResult(plan, warnings, [], plan, null, TimeSpan.Zero, TimeSpan.Zero) { PlanTime = planTime, Topology = outcome.Topology };
        }

        beforeApply?.Invoke(plan);
        clock.Restart();
        var applied = host.Apply(plan, onStep);
        var applyTime = clock.Elapsed;
        beforeVerify?.Invoke();
        // Verifying reads again every namespace the plan reached, and the host's links it reached
        // (with their bridges, ports and peers: PlanReach.HostLinks); the others were read moments
        // ago under the same lock and nothing of ours has touched them since. The host's addresses
        // and routes are always read. Deleting a host link can make the kernel delete links that
        // hang off it (a macvlan's or VLAN's children, elsewhere; a bridge can be a parent too):
        // then everything is read again.
        // A veth takes only its peer (in reach).
        // Files are read again where the plan wrote them: one more container rewrites its
        // neighbours' hosts files, and leaves their kernel objects alone. The firewall client
        // decides for itself: after its own element batch and no other commit (nftables'
        // generation says so) it dumps only the sets the batch changed (docs/scale.md).
        var reach = PlanReach.KernelNamespaces(plan);
        var fileReach = PlanReach.FileNamespaces(plan);
        var parents = observed.Links.Where(l => l.Parent is { Namespace: HostState.Host }).Select(l => l.Parent!.Value.Name).ToHashSet(StringComparer.Ordinal);
        var cascades = plan.Actions.Any(a => a.Kind is ActionKind.Delete or ActionKind.Replace &&
            a.Before is LinkState { Namespace: HostState.Host } gone && (gone.Type is not (LinkKind.Veth or LinkKind.Bridge) || parents.Contains(gone.Name)));
        // The question is whether the host reached what was applied: the plan's own desired state
        // is compared again (resolving the file anew would give the same one, at 10 ms for 500 containers).
        var reread = cascades
            ? new KnownUnchanged { Files = ns => !fileReach.Contains(ns) }
            : new KnownUnchanged { Namespaces = ns => !reach.Contains(ns), Files = ns => !fileReach.Contains(ns), HostLinksToRead = PlanReach.HostLinks(plan, observed) };
        var verify = Planner.Plan(plan.Project, plan.Desired, HostObservation.For(host, spec, reread));
        var result = new ConvergeResult(plan, warnings, verify.Errors, verify.Plan, applied, applyTime, clock.Elapsed - applyTime) { PlanTime = planTime, Topology = outcome.Topology };
        if (result.Converged) KeepRecords(host, observed, plan, spec, notice);
        return result;
    }

    /// <summary>
    /// What inspect shows and the kernel cannot keep (<see cref="NetworkRecords"/>), updated under the
    /// lock once the host has what the plan asked for. A record that cannot be written costs inspect
    /// those fields, not the round: it is said, not thrown.
    /// </summary>
    private static void KeepRecords(IHostAccess host, HostState observed, Plan plan, TopologyFile? spec, Action<string>? notice)
    {
        var now = DateTimeOffset.UtcNow;
        var created = plan.Actions.Where(a => a.Kind is ActionKind.Create or ActionKind.Replace).Select(a => a.After).OfType<Resource>().ToList();
        var deleted = plan.Actions.Where(a => a.Kind == ActionKind.Delete).Select(a => a.Before).OfType<Resource>().ToList();
        foreach (var owner in new[] { plan.Project, Label.SharedProject })
        {
            try
            {
                var before = host.ReadRecords(owner);
                var after = NetworkRecords.After(owner, before, observed, plan.Desired, created, deleted, spec, now);
                // Written only when they change: a watcher's round every minute would otherwise rewrite them.
                if (!NetworkRecordsJson.Write(owner, after).AsSpan().SequenceEqual(NetworkRecordsJson.Write(owner, before))) host.WriteRecords(owner, after);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                notice?.Invoke($"warning: could not record the networks of '{owner}' for topo inspect: {e.Message}");
            }
        }
    }
}
