using Topo.Core.Firewall;
using Topo.Core.Model;

namespace Topo.Core.Inventory;

/// <summary>
/// A bridge network's policy as its project's firewall table holds it — the kernel is topo's only
/// record: internal, ICC and masquerade are which sets the bridge is an element of.
/// </summary>
internal readonly record struct BridgePolicy(bool Internal, bool Icc, bool Masquerade)
{
    public static BridgePolicy Of(IEnumerable<Resource> firewall, Label network, string bridge)
    {
        // The shared default bridge is in the table of every project that uses it; a network of
        // one project only in that project's table.
        var elements = firewall.OfType<FirewallElementState>()
            .Where(e => FirewallResources.ProjectOf(e.Table) is { } p && (network.IsShared || p == network.Project) && NameOf(e.Element) == bridge)
            .ToList();
        if (elements.Count == 0) return new BridgePolicy(false, true, true);   // no table: nothing known but the defaults
        var @internal = elements.Any(e => e.Set == FirewallSets.Internal);
        return new BridgePolicy(
            Internal: @internal,
            Icc: !elements.Any(e => e.Set == FirewallSets.IccOff),
            Masquerade: !@internal && elements.Any(e => e.Set == FirewallSets.Masquerade));
    }

    /// <summary>The interface name an element starts with (<c>"br-x"</c>, <c>"br-x" . 10.0.0.0/24</c>); null for other keys.</summary>
    private static string? NameOf(string element)
    {
        if (element.Length < 2 || element[0] != '"') return null;
        var end = element.IndexOf('"', 1);
        return end < 0 ? null : element[1..end];
    }
}
