using System.Collections.Immutable;
using Topo.Core.Spec;

namespace Topo.Core.Planning;

/// <summary>A plan, or the reasons there can be none (a conflict with a foreign object, a network still in use).</summary>
public sealed record PlanResult(Plan? Plan, ImmutableArray<Diagnostic> Errors)
{
    public bool Succeeded => Plan is not null && Errors.IsEmpty;
}
