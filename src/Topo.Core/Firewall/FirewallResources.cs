using System.Collections.Immutable;
using Topo.Core.Model;

namespace Topo.Core.Firewall;

/// <summary>
/// A project's nftables table as plan resources (table, base chains, sets, rules, elements), and
/// back: the planner diffs resources; the applier writes the table whole when its skeleton
/// changes, and elements alone otherwise.
/// </summary>
public static class FirewallResources
{
    public static Label TableOwner(string project) => new(project, LabelRole.Firewall, project);

    /// <summary>The project a table name (<c>topo-NAME</c>) belongs to, or null when it is not topo's.</summary>
    public static string? ProjectOf(string table) =>
        table.StartsWith(Ruleset.TablePrefix, StringComparison.Ordinal) && table.Length > Ruleset.TablePrefix.Length
            ? table[Ruleset.TablePrefix.Length..]
            : null;


    /// <summary>Table, chains, sets or rules: a change to any of them writes the table whole.</summary>
    public static bool IsSkeleton(Resource r) => r is FirewallTableState or FirewallChainState or FirewallSetState or FirewallRuleState;

    public static IEnumerable<Resource> From(Ruleset ruleset)
    {
        var owner = ProjectOf(ruleset.Table) is { } project ? TableOwner(project) : null;
        yield return new FirewallTableState(ruleset.Family, ruleset.Table) { Owner = owner };
        foreach (var c in ruleset.Chains)
            yield return new FirewallChainState(ruleset.Family, ruleset.Table, c.Name)
            {
                Type = NftNames.Of(c.Type), Hook = NftNames.Of(c.Hook), Priority = c.Priority, Policy = NftNames.Of(c.Policy), Owner = owner,
            };
        foreach (var s in ruleset.Sets)
            yield return new FirewallSetState(ruleset.Family, ruleset.Table, s.Name)
            {
                Type = s.TypeText, Flags = s.Interval ? "interval" : null, Owner = owner,
            };
        foreach (var r in ruleset.Rules)
            yield return new FirewallRuleState(ruleset.Family, ruleset.Table, r.Chain, r.Comment)
            {
                Rule = r.Text, Expression = r.Expression, Owner = FirewallRuleState.OwnerOf(r.Comment),
            };
        foreach (var e in ruleset.Elements)
            yield return Element(ruleset.Family, ruleset.Table, e);
    }

    public static FirewallElementState Element(string family, string table, ElementSpec e) =>
        new(family, table, e.Set, e.KeyText)
        {
            Value = e.ValueText, Comment = e.Comment, KeyJson = e.Key, ValueJson = e.Value,
            Owner = FirewallRuleState.OwnerOf(e.Comment),
        };

    public static ElementSpec ToSpec(FirewallElementState e) => new(e.Set, e.KeyJson, e.Element, e.ValueJson, e.Value, e.Comment);

    /// <summary>The ruleset of one table from desired resources, rules in their desired order; null when there is no such table.</summary>
    public static Ruleset? ToRuleset(IEnumerable<Resource> resources, string table)
    {
        FirewallTableState? found = null;
        var chains = ImmutableArray.CreateBuilder<ChainSpec>();
        var sets = ImmutableArray.CreateBuilder<SetSpec>();
        var rules = ImmutableArray.CreateBuilder<RuleSpec>();
        var elements = ImmutableArray.CreateBuilder<ElementSpec>();
        foreach (var r in resources)
        {
            if (FirewallTableState.TableOf(r) != table) continue;
            switch (r)
            {
                case FirewallTableState t: found = t; break;
                case FirewallChainState c:
                    chains.Add(new ChainSpec(c.Name,
                        NftNames.ParseType(c.Type) ?? throw new InvalidOperationException($"unknown chain type {c.Type}"),
                        NftNames.ParseHook(c.Hook) ?? throw new InvalidOperationException($"unknown hook {c.Hook}"),
                        c.Priority,
                        NftNames.ParsePolicy(c.Policy) ?? throw new InvalidOperationException($"unknown policy {c.Policy}")));
                    break;
                case FirewallSetState s: sets.Add(ParseSet(s)); break;
                case FirewallRuleState rule: rules.Add(new RuleSpec(rule.Chain, rule.Comment, rule.Expression, rule.Rule)); break;
                case FirewallElementState e: elements.Add(ToSpec(e)); break;
            }
        }
        if (found is null) return null;
        return new Ruleset(found.Family, found.Name, chains.ToImmutable(), rules.ToImmutable(), [])
        {
            Sets = sets.ToImmutable(),
            Elements = elements.ToImmutable(),
        };
    }

    /// <summary>A set's spec from its type line (<c>a . b : c . d</c>) and flags.</summary>
    public static SetSpec ParseSet(FirewallSetState s)
    {
        var colon = s.Type.IndexOf(" : ", StringComparison.Ordinal);
        var key = colon < 0 ? s.Type : s.Type[..colon];
        var data = colon < 0 ? "" : s.Type[(colon + 3)..];
        static ImmutableArray<string> Split(string text) =>
            text.Length == 0 ? [] : [.. text.Split(" . ", StringSplitOptions.TrimEntries)];
        return new SetSpec(s.Name, Split(key), Split(data), s.Flags == "interval");
    }
}
