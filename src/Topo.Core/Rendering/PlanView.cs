using Topo.Core.Model;
using Topo.Core.Planning;

namespace Topo.Core.Rendering;

/// <summary>Presentation helpers shared by the renderers, so text, markdown and JSON agree.</summary>
internal static class PlanView
{
    /// <summary>
    /// Actions by the group they serve: host first, then networks, then containers, each sorted by
    /// name; within a group the plan's own (execution) order is kept.
    /// </summary>
    public static IEnumerable<IGrouping<PlanGroup, PlanAction>> Groups(Plan plan) =>
        plan.Actions.GroupBy(a => PlanGroup.Of(a.Subject)).OrderBy(g => g.Key);

    /// <summary><c>link br-1a2b3c4d5e6f (bridge)</c>: the kind and key, and a link's type.</summary>
    public static string Describe(Resource resource) => resource is LinkState link
        ? $"{resource.Display} ({link.Type.Name()})"
        : resource.Display;

    /// <summary>The attributes a created object will have: the set ones, in display order.</summary>
    public static IEnumerable<ResourceAttribute> SetAttributes(Resource resource) =>
        resource.Attributes().Where(a => a.Value is not null);

    public static string Value(string? value) => value switch
    {
        null => "(none)",
        "" => "\"\"",
        _ => value,
    };

    /// <summary>What happens to an included object, said from its action's point of view.</summary>
    public static string WithIt(ActionKind kind) => kind switch
    {
        ActionKind.Create => "created with it",
        ActionKind.Update => "updated with it",
        ActionKind.Replace => "replaced with it",
        ActionKind.Delete => "deleted with it",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static string Legend(ActionKind kind) => kind switch
    {
        ActionKind.Create => "create",
        ActionKind.Update => "update in place",
        ActionKind.Replace => "destroy, then create again",
        ActionKind.Delete => "destroy",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
