using Topo.Core.Model;

namespace Topo.Core.Planning;

/// <summary>
/// Going back to the host as it was (<c>topo apply --confirm</c> without a confirmation): the
/// project's objects as they were observed before the apply are the desired state, so the plan
/// deletes what the apply added, makes again what it removed and changes back what it changed.
/// Host settings (sysctls) are left as they are: turning forwarding off again could cut off
/// what others rely on. Per-interface ones go with their interface, and come back with it (a
/// bridge made again has the kernel's defaults, router advertisements on among them); on an
/// interface that stays they are left alone too: the shared default bridge's may be another
/// project's since.
/// </summary>
public static class Checkpoint
{
    /// <summary>The part of <paramref name="before"/> a rollback of <paramref name="project"/> restores.</summary>
    public static HostState DesiredOf(HostState before, string project)
    {
        static bool Restored(Resource r, string project) => r.Owner is { } owner && (owner.Project == project || owner.IsShared);
        var links = before.Links.Where(l => l.Namespace == HostState.Host && Restored(l, project)).Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        return HostState.From(before.All().Where(r => r is SysctlState s
                ? s.Namespace == HostState.Host && s.Interface is { } link && links.Contains(link)
                : Restored(r, project)))
            with { HostResolvConf = before.HostResolvConf };
    }

    /// <summary>The plan that takes the host back to <paramref name="before"/> for <paramref name="project"/>.</summary>
    public static PlanResult RollBack(string project, HostState before, HostState observed)
    {
        var desired = DesiredOf(before, project);
        var withoutSettings = Planner.Plan(project, desired with { Sysctls = [] }, observed);
        if (withoutSettings.Plan is not { } plan) return withoutSettings;
        var remade = plan.Actions.Where(a => a.Kind is ActionKind.Create or ActionKind.Replace)
            .Select(a => a.After).OfType<LinkState>().Where(l => l.Namespace == HostState.Host).Select(l => l.Name)
            .ToHashSet(StringComparer.Ordinal);
        var settings = desired.Sysctls.Where(s => s.Interface is { } link && remade.Contains(link)).ToList();
        return settings.Count == 0 ? withoutSettings : Planner.Plan(project, desired with { Sysctls = [.. settings] }, observed);
    }
}
