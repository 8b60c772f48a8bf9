using System.Collections.Immutable;
using Topo.Core.Spec;

namespace Topo.Core.Resolution;

/// <summary>The resolved topology, or every reason it could not be resolved (pools exhausted, an address in use).</summary>
public sealed record ResolveResult(Topology? Topology, ImmutableArray<Diagnostic> Errors)
{
    public bool Succeeded => Topology is not null && Errors.IsEmpty;
}

public sealed record ResolveOptions
{
    /// <summary>
    /// Offline review (<c>--against</c>): the host is imagined, so a macvlan parent that the
    /// snapshot does not list is assumed to exist instead of being an error.
    /// </summary>
    public bool AssumeParentsExist { get; init; }
}
