using System.Collections.Immutable;

namespace Topo.Core.Model;

/// <summary>
/// An nftables table that is not topo's, with a base chain on a hook topo's traffic passes (observed
/// only): a drop there is final for that traffic whatever topo's own table accepts.
/// Read whole (its regular chains too: a base chain's rules jump there), never changed.
/// </summary>
public sealed record ForeignTable(string Family, string Name, ImmutableArray<ForeignChain> Chains)
{
    public ForeignChain? FindChain(string name) => Chains.FirstOrDefault(c => c.Name == name);
}

/// <summary>A chain of a foreign table; <see cref="Hook"/> is null for a regular chain.</summary>
/// <param name="Policy">"accept" or "drop" for a base chain; null for a regular one.</param>
public sealed record ForeignChain(string Name, string? Hook, int Priority, string? Policy, ImmutableArray<ForeignRule> Rules)
{
    /// <summary>A base chain's type: "filter", "nat" (sees a connection's first packet only) or "route"; null for a regular chain.</summary>
    public string? Type { get; init; }

    /// <summary>
    /// An ingress chain's devices (netdev family, or inet's ingress hook): it sees only what enters by
    /// them. "eth*" is a prefix. Empty for every other hook.
    /// </summary>
    public ImmutableArray<string> Devices { get; init; } = [];
}

/// <summary>A rule as libnftables lists it: its handle and its expressions (canonical JSON array).</summary>
public sealed record ForeignRule(long Handle, string Expression);
