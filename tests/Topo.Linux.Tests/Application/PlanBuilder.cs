using System.Collections.Immutable;
using Topo.Core.Model;
using Topo.Core.Planning;

namespace Topo.Linux.Tests.Application;

/// <summary>Hand-built plans: PlanAction values in dependency order, as the planner would produce them.</summary>
internal sealed class PlanBuilder(string project)
{
    private readonly List<PlanAction> _actions = [];

    public PlanBuilder Create(Resource resource, params Resource[] includes) =>
        Add(ActionKind.Create, null, resource, [], includes);

    public PlanBuilder Delete(Resource resource, params Resource[] includes) =>
        Add(ActionKind.Delete, resource, null, [], includes);

    public PlanBuilder Update(Resource before, Resource after, params AttributeId[] changed) =>
        Add(ActionKind.Update, before, after, [.. changed.Select(c => new AttributeChange(c, null, null, false))], []);

    public PlanBuilder Replace(Resource before, Resource after, params Resource[] includes) =>
        Add(ActionKind.Replace, before, after, [], includes);

    private PlanBuilder Add(ActionKind kind, Resource? before, Resource? after, ImmutableArray<AttributeChange> changes, Resource[] includes)
    {
        _actions.Add(new PlanAction(_actions.Count + 1, kind, before, after, changes, "test", [], [.. includes]));
        return this;
    }

    public Plan Build(HostState? desired = null) => new(project, [.. _actions], desired ?? HostState.Empty);
}

internal static class StateAssert
{
    /// <summary>Every desired resource is observed with the same attributes (null desired values are "no opinion").</summary>
    public static void Contains(HostState observed, IEnumerable<Resource> desired)
    {
        var byKey = observed.All().ToLookup(r => (r.Kind, r.Key));
        foreach (var want in desired)
        {
            var have = byKey[(want.Kind, want.Key)].FirstOrDefault();
            Assert.True(have is not null, $"{want.Display} was not observed");
            var haveAttributes = have!.Attributes().ToDictionary(a => a.Attribute, a => a.Value);
            foreach (var attribute in want.Attributes())
            {
                if (attribute.Value is null) continue;
                Assert.True(haveAttributes.TryGetValue(attribute.Attribute, out var value) && value == attribute.Value,
                    $"{want.Display}: {attribute.Attribute.Name()} wanted {attribute.Value}, observed {(haveAttributes.TryGetValue(attribute.Attribute, out var v) ? v : "(none)")}");
            }
        }
    }
}
