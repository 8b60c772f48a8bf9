namespace Topo.Core.Planning;

/// <summary>Half of what an action does to the host: take its old object away, or put its new one in place.</summary>
public enum StepKind { Remove, Make }

public readonly record struct PlanStep(PlanAction Action, StepKind Kind);

public static class PlanSteps
{
    /// <summary>
    /// A plan runs in two passes: every removal first (deletes, and the old half of each
    /// replace), in plan order; then every creation and update (and the new half of each
    /// replace). So a name is always free before anything takes it — even when two interfaces
    /// swap names — and the applier and the simulator agree on the order.
    /// </summary>
    public static IEnumerable<PlanStep> Steps(this Plan plan)
    {
        foreach (var a in plan.Actions)
            if (a.Kind is ActionKind.Delete or ActionKind.Replace) yield return new PlanStep(a, StepKind.Remove);
        foreach (var a in plan.Actions)
            if (a.Kind is not ActionKind.Delete) yield return new PlanStep(a, StepKind.Make);
    }
}
