using System.Collections.Immutable;
using Topo.Core.Model;

namespace Topo.Core.Firewall;

/// <summary>
/// A project's nftables table as plan resources (table, base chains, rules), and back: the
/// planner diffs resources; the applier writes the whole table as one ruleset, atomically.
/// </summary>
public static class FirewallResources
{
    public static Label TableOwner(string project) => new(project, LabelRole.Firewall, project);

    /// <summary>The project a table name (<c>topo-NAME</c>) belongs to, or null when it is not topo's.</summary>
    public static string? ProjectOf(string table) =>
        table.StartsWith(Ruleset.TablePrefix, StringComparison.Ordinal) && table.Length > Ruleset.TablePrefix.Length
            ? table[Ruleset.TablePrefix.Length..]
            : null;

    public static IEnumerable<Resource> From(Ruleset ruleset)
    {
        var owner = ProjectOf(ruleset.Table) is { } project ? TableOwner(project) : null;
        yield return new FirewallTableState(ruleset.Family, ruleset.Table) { Owner = owner };
        foreach (var c in ruleset.Chains)
            yield return new FirewallChainState(ruleset.Family, ruleset.Table, c.Name)
            {
                Type = NftNames.Of(c.Type), Hook = NftNames.Of(c.Hook), Priority = c.Priority, Policy = NftNames.Of(c.Policy), Owner = owner,
            };
        foreach (var r in ruleset.Rules)
            yield return new FirewallRuleState(ruleset.Family, ruleset.Table, r.Chain, r.Comment)
            {
                Rule = r.Text, Expression = r.Expression, Owner = FirewallRuleState.OwnerOf(r.Comment),
            };
    }

    /// <summary>The ruleset of one table from desired resources, rules in their desired order; null when there is no such table.</summary>
    public static Ruleset? ToRuleset(IEnumerable<Resource> resources, string table)
    {
        var all = resources.ToList();
        if (all.OfType<FirewallTableState>().FirstOrDefault(t => t.Name == table) is not { } t) return null;
        var chains = all.OfType<FirewallChainState>().Where(c => c.Table == table)
            .Select(c => new ChainSpec(c.Name,
                NftNames.ParseType(c.Type) ?? throw new InvalidOperationException($"unknown chain type {c.Type}"),
                NftNames.ParseHook(c.Hook) ?? throw new InvalidOperationException($"unknown hook {c.Hook}"),
                c.Priority,
                NftNames.ParsePolicy(c.Policy) ?? throw new InvalidOperationException($"unknown policy {c.Policy}")))
            .ToImmutableArray();
        var rules = all.OfType<FirewallRuleState>().Where(r => r.Table == table)
            .Select(r => new RuleSpec(r.Chain, r.Comment, r.Expression, r.Rule))
            .ToImmutableArray();
        return new Ruleset(t.Family, t.Name, chains, rules, []);
    }
}
