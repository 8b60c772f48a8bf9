using System.Collections.Immutable;
using Topo.Core.Firewall;
using Topo.Core.Model;
using Topo.Linux.Nftables;

namespace Topo.Linux.Observation;

/// <summary>
/// Reads every topo table (<c>topo-*</c>) of the host namespace back into firewall resources.
/// Other tables are not topo's and are not read, but for topo's own rules in Docker's DOCKER-USER
/// chain (<see cref="DockerUserChain"/>) — and, read only, every other table with a base chain
/// on prerouting, input, forward, output or postrouting in family ip, ip6, inet or bridge, or on ingress
/// (family netdev, or inet's): a drop there is final for topo's traffic too (<see cref="ForeignDrops"/>;
/// ip6 for networks with IPv6). One dump of chain headers finds them; only those tables are listed.
/// </summary>
public static class FirewallObserver
{
    /// <summary>The firewall as topo sees it: its tables, its rules in Docker's chain, and whether that chain is there.</summary>
    public sealed record Reading(ImmutableArray<Resource> Resources, bool DockerUserChain)
    {
        /// <summary>Foreign tables with a base chain on a hook topo's traffic passes.</summary>
        public ImmutableArray<ForeignTable> Foreign { get; init; } = [];
    }

    public static Reading Observe(NftablesClient client)
    {
        var all = ImmutableArray.CreateBuilder<Resource>();
        foreach (var (family, name) in client.ListTables())
        {
            if (FirewallResources.ProjectOf(name) is null) continue;
            // The table is known to exist: list it directly (ReadTable would list every table again first).
            if (client.ListTable(family, name) is { } ruleset)
                all.AddRange(FirewallResources.From(ruleset));
        }
        var docker = DockerUserChain.Read(client);
        if (docker is { } entries) all.AddRange(DockerUserChain.Resources(entries));
        return new Reading(all.ToImmutable(), docker is not null) { Foreign = ReadForeign(client) };
    }

    private static ImmutableArray<ForeignTable> ReadForeign(NftablesClient client)
    {
        // Docker's ip filter is read too: its FORWARD is left to topo's accepts in DOCKER-USER, its other hooks are not.
        var chains = client.ListChains();
        var tables = chains
            .Where(c => (c.IsIngress || (c.Hook <= NftablesChainList.LastPacketPathHook && c.Family is "ip" or "ip6" or "inet" or "bridge")) && FirewallResources.ProjectOf(c.Table) is null)
            .Select(c => (c.Family, c.Table))
            .Distinct();
        var found = ImmutableArray.CreateBuilder<ForeignTable>();
        foreach (var (family, table) in tables)
        {
            try
            {
                if (client.ListForeignTable(family, table) is { } t) found.Add(WithDevices(t, chains));
            }
            catch (NftablesException)
            {
                // Deleted between the dump and the listing: nothing there to drop anything.
            }
        }
        return found.ToImmutable();
    }

    /// <summary>An ingress chain's devices, from the kernel's own dump: libnftables 1.0.6 does not list them in JSON.</summary>
    private static ForeignTable WithDevices(ForeignTable table, List<NftablesChainList.Chain> dump) => table with
    {
        Chains = [.. table.Chains.Select(c => c.Hook != "ingress" ? c
            : dump.FirstOrDefault(d => d.Family == table.Family && d.Table == table.Name && d.Name == c.Name) is { Devices.Count: > 0 } d
                ? c with { Devices = [.. d.Devices] } : c)],
    };
}
