using System.Collections.Immutable;

namespace Topo.Core.Spec;

/// <summary>
/// What loading a topology file gave: the file (null whenever any diagnostic is an error)
/// and every problem found, in file order.
/// </summary>
public sealed record LoadResult(TopologyFile? File, ImmutableArray<Diagnostic> Diagnostics)
{
    public bool HasErrors
    {
        get
        {
            foreach (var d in Diagnostics) if (d.Severity == Severity.Error) return true;
            return false;
        }
    }
}
