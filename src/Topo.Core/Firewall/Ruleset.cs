using System.Collections.Immutable;

namespace Topo.Core.Firewall;

/// <summary>nftables chain types topo uses (<c>type filter</c>, <c>type nat</c>).</summary>
public enum ChainType { Filter, Nat }

/// <summary>Netfilter hooks of the ip family.</summary>
public enum ChainHook { Prerouting, Input, Forward, Output, Postrouting }

public enum ChainPolicy { Accept, Drop }

/// <summary>A base chain: <c>type TYPE hook HOOK priority PRIORITY; policy POLICY;</c>.</summary>
public sealed record ChainSpec(string Name, ChainType Type, ChainHook Hook, int Priority, ChainPolicy Policy)
{
    /// <summary>Docker-like priorities (nft's named values).</summary>
    public const int PriorityRaw = -300;
    public const int PriorityDstNat = -100;
    public const int PriorityFilter = 0;
    public const int PrioritySrcNat = 100;

    public string Text =>
        $"type {NftNames.Of(Type)} hook {NftNames.Of(Hook)} priority {Priority}; policy {NftNames.Of(Policy)};";
}

/// <summary>
/// One rule. <see cref="Comment"/> is its identity within the table (unique; the planner diffs on
/// it). <see cref="Expression"/> is the libnftables JSON <c>expr</c> array in canonical form
/// (object properties sorted, no whitespace); <see cref="Text"/> is the same rule in nft syntax,
/// rendered from the expression, for plans.
/// </summary>
public sealed record RuleSpec(string Chain, string Comment, string Expression, string Text);

/// <summary>
/// The nftables table of one project: its base chains and rules in order, and the sysctls the
/// rules rely on (set by the applier, not part of the table; empty when read from the kernel).
/// Equality is by content.
/// </summary>
public sealed record Ruleset(
    string Family,
    string Table,
    ImmutableArray<ChainSpec> Chains,
    ImmutableArray<RuleSpec> Rules,
    ImmutableArray<(string Key, string Value)> RequiredSysctls)
{
    public const string TablePrefix = "topo-";

    /// <summary>The table a project owns: <c>topo-PROJECT</c> in family ip.</summary>
    public static string TableName(string project) => TablePrefix + project;

    public RuleSpec? FindRule(string comment) => Rules.FirstOrDefault(r => r.Comment == comment);

    /// <summary>Same table, chains and rules (in order), ignoring <see cref="RequiredSysctls"/>.</summary>
    public bool SameTable(Ruleset other) =>
        Family == other.Family && Table == other.Table &&
        Chains.SequenceEqual(other.Chains) && Rules.SequenceEqual(other.Rules);

    public bool Equals(Ruleset? other) =>
        other is not null && SameTable(other) && RequiredSysctls.SequenceEqual(other.RequiredSysctls);

    public override int GetHashCode() => HashCode.Combine(Family, Table, Chains.Length, Rules.Length);

    /// <summary>The table in nft syntax (<c>nft -f</c> input, and what <c>nft list table</c> shows, minus handles).</summary>
    public string ToText()
    {
        var text = new System.Text.StringBuilder();
        text.Append("table ").Append(Family).Append(' ').Append(Table).Append(" {\n");
        for (var i = 0; i < Chains.Length; i++)
        {
            var chain = Chains[i];
            if (i > 0) text.Append('\n');
            text.Append("\tchain ").Append(chain.Name).Append(" {\n\t\t").Append(chain.Text).Append('\n');
            foreach (var rule in Rules)
            {
                if (rule.Chain != chain.Name) continue;
                text.Append("\t\t").Append(rule.Text).Append(" comment ").Append(NftText.Quote(rule.Comment)).Append('\n');
            }
            text.Append("\t}\n");
        }
        text.Append("}\n");
        return text.ToString();
    }
}

/// <summary>nft's spelling of the enums above.</summary>
public static class NftNames
{
    public static string Of(ChainType type) => type switch
    {
        ChainType.Filter => "filter",
        ChainType.Nat => "nat",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static string Of(ChainHook hook) => hook switch
    {
        ChainHook.Prerouting => "prerouting",
        ChainHook.Input => "input",
        ChainHook.Forward => "forward",
        ChainHook.Output => "output",
        ChainHook.Postrouting => "postrouting",
        _ => throw new ArgumentOutOfRangeException(nameof(hook)),
    };

    public static string Of(ChainPolicy policy) => policy switch
    {
        ChainPolicy.Accept => "accept",
        ChainPolicy.Drop => "drop",
        _ => throw new ArgumentOutOfRangeException(nameof(policy)),
    };

    public static ChainType? ParseType(string? s) => s switch { "filter" => ChainType.Filter, "nat" => ChainType.Nat, _ => null };

    public static ChainHook? ParseHook(string? s) => s switch
    {
        "prerouting" => ChainHook.Prerouting,
        "input" => ChainHook.Input,
        "forward" => ChainHook.Forward,
        "output" => ChainHook.Output,
        "postrouting" => ChainHook.Postrouting,
        _ => null,
    };

    public static ChainPolicy? ParsePolicy(string? s) => s switch { "accept" => ChainPolicy.Accept, "drop" => ChainPolicy.Drop, _ => null };
}
