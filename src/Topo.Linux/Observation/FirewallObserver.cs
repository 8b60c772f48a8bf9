using System.Collections.Immutable;
using Topo.Core.Firewall;
using Topo.Core.Model;
using Topo.Linux.Nftables;

namespace Topo.Linux.Observation;

/// <summary>
/// Reads every topo table (<c>topo-*</c>) of the host namespace back into firewall resources.
/// Other tables are not topo's and are not read: they never get into a plan.
/// </summary>
public static class FirewallObserver
{
    public static ImmutableArray<Resource> Observe(NftablesClient client)
    {
        var all = ImmutableArray.CreateBuilder<Resource>();
        foreach (var (family, name) in client.ListTables())
        {
            if (FirewallResources.ProjectOf(name) is null) continue;
            // The table is known to exist: list it directly (ReadTable would list every table again first).
            if (client.ListTable(family, name) is { } ruleset)
                all.AddRange(FirewallResources.From(ruleset));
        }
        return all.ToImmutable();
    }
}
