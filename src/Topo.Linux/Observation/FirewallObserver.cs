using System.Collections.Immutable;
using Topo.Core.Firewall;
using Topo.Core.Model;
using Topo.Linux.Nftables;

namespace Topo.Linux.Observation;

/// <summary>
/// Reads every topo table (<c>topo-*</c>) of the host namespace back into firewall resources.
/// Other tables are not topo's and are not read, but for topo's own rules in Docker's DOCKER-USER
/// chain (<see cref="DockerUserChain"/>).
/// </summary>
public static class FirewallObserver
{
    /// <summary>The firewall as topo sees it: its tables, its rules in Docker's chain, and whether that chain is there.</summary>
    public sealed record Reading(ImmutableArray<Resource> Resources, bool DockerUserChain);

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
        return new Reading(all.ToImmutable(), docker is not null);
    }
}
