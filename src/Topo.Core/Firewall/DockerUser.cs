using System.Collections.Immutable;
using Topo.Core.Model;
using Topo.Core.Resolution;
using Topo.Core.Spec;

namespace Topo.Core.Firewall;

/// <summary>
/// Living next to Docker. dockerd (iptables-nft) sets the policy of <c>ip filter</c> FORWARD to
/// DROP when it turns forwarding on itself; in nftables a drop in any base chain is final, so
/// topo's containers could not reach out and their published ports would not answer. Docker's
/// documented place for its users' rules is the chain <c>DOCKER-USER</c>, which FORWARD jumps to
/// first: when it exists, topo puts there two accepts per bridge network of the project, each
/// with the project's label in its comment, and touches nothing else of Docker's.
/// </summary>
/// <remarks>
/// Accepting everything of the bridge there gives nothing away: topo's own table (another base
/// chain on the same hook) still drops what isolation, ICC and internal networks drop, since a
/// drop anywhere is final. The rules are <c>iifname "B" accept</c> and <c>oifname "B" accept</c>:
/// iptables-nft reads exactly these back (<c>-i B -m comment --comment … -j ACCEPT</c>), so
/// <c>iptables-save</c> does not call the table incompatible and Docker still adds and removes its
/// own rules next to them. They are inserted at the top: Docker ends the chain with RETURN.
/// </remarks>
public static class DockerUser
{
    public const string Family = "ip";
    public const string Table = "filter";
    public const string Chain = "DOCKER-USER";

    /// <summary>The rules for a topology's bridges (the default bridge too: each project has its own for it).</summary>
    public static ImmutableArray<RuleSpec> Rules(Topology topology)
    {
        var owner = FirewallResources.TableOwner(topology.Project);
        var rules = ImmutableArray.CreateBuilder<RuleSpec>();
        foreach (var n in topology.Networks.Where(n => n.Driver == NetworkDriver.Bridge && n.BridgeName is not null))
        {
            // Internal networks too: with br_netfilter (Docker forces it) traffic between two
            // containers of one bridge passes FORWARD; topo's table keeps internal traffic in.
            foreach (var (field, what) in new[] { ("iifname", "from"), ("oifname", "to") })
            {
                var json = new ExprBuilder().Meta(field, n.BridgeName!).Accept().Build();
                rules.Add(new RuleSpec(Chain, $"{owner} docker-user: forward {what} {n.BridgeName}", json, NftText.Render(json)));
            }
        }
        return rules.ToImmutable();
    }

    public static IEnumerable<Resource> Resources(Topology topology) =>
        Rules(topology).Select(r => new FirewallRuleState(Family, Table, r.Chain, r.Comment)
        {
            Rule = r.Text, Expression = r.Expression, Owner = FirewallRuleState.OwnerOf(r.Comment),
        });

    /// <summary>Whether a resource is one of topo's rules in Docker's chain.</summary>
    public static bool Holds(Resource r) => r is FirewallRuleState { Family: Family, Table: Table, Chain: Chain };
}
