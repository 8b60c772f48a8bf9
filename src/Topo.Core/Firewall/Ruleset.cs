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
/// A named set, or a map when <see cref="DataType"/> is given: <c>set NAME { type KEY; flags interval; }</c>,
/// <c>map NAME { type KEY : DATA; }</c>. Types are nft's datatype names, one per concatenated field.
/// </summary>
public sealed record SetSpec(string Name, ImmutableArray<string> KeyType, ImmutableArray<string> DataType, bool Interval)
{
    public bool IsMap => !DataType.IsDefaultOrEmpty;

    /// <summary><c>ifname . ifname</c>, <c>inet_proto . ipv4_addr . inet_service : ipv4_addr . inet_service</c>.</summary>
    public string TypeText => string.Join(" . ", KeyType) + (IsMap ? " : " + string.Join(" . ", DataType) : "");

    public bool Equals(SetSpec? other) =>
        other is not null && Name == other.Name && Interval == other.Interval &&
        KeyType.SequenceEqual(other.KeyType) && (IsMap ? other.IsMap && DataType.SequenceEqual(other.DataType) : !other.IsMap);

    public override int GetHashCode() => HashCode.Combine(Name, KeyType.Length, Interval);
}

/// <summary>
/// One element of a set or map. <see cref="Key"/> (and a map's <see cref="Value"/>) are
/// libnftables JSON in the form <c>nft -j list</c> prints; <see cref="KeyText"/> and
/// <see cref="ValueText"/> the same in nft syntax. The key is its identity in the set (as in the
/// kernel); the comment starts with the label of what it serves, like a rule's.
/// </summary>
public sealed record ElementSpec(string Set, string Key, string KeyText, string? Value, string? ValueText, string Comment);

/// <summary>
/// The nftables table of one project: its base chains, named sets and maps, rules in order, the
/// sets' elements, and the sysctls the rules rely on (set by the applier, not part of the table;
/// empty when read from the kernel). The chains, sets and rules are the table's skeleton, fixed
/// for a topology of any size; what the topology has (bridges, published ports) are elements.
/// Equality is by content; elements compare as a set.
/// </summary>
public sealed record Ruleset(
    string Family,
    string Table,
    ImmutableArray<ChainSpec> Chains,
    ImmutableArray<RuleSpec> Rules,
    ImmutableArray<(string Key, string Value)> RequiredSysctls)
{
    public const string TablePrefix = "topo-";

    public ImmutableArray<SetSpec> Sets { get; init; } = [];

    public ImmutableArray<ElementSpec> Elements { get; init; } = [];

    /// <summary>The table a project owns: <c>topo-PROJECT</c> in family ip.</summary>
    public static string TableName(string project) => TablePrefix + project;

    public RuleSpec? FindRule(string comment) => Rules.FirstOrDefault(r => r.Comment == comment);

    public SetSpec? FindSet(string name) => Sets.FirstOrDefault(s => s.Name == name);

    /// <summary>Same chains, sets and rules (in order): what decides whether the table is written whole.</summary>
    public bool SameSkeleton(Ruleset other) =>
        Family == other.Family && Table == other.Table &&
        Chains.SequenceEqual(other.Chains) && Sets.OrderBy(s => s.Name, StringComparer.Ordinal).SequenceEqual(other.Sets.OrderBy(s => s.Name, StringComparer.Ordinal)) &&
        Rules.SequenceEqual(other.Rules);

    /// <summary>Same skeleton and elements, ignoring <see cref="RequiredSysctls"/>.</summary>
    public bool SameTable(Ruleset other) =>
        SameSkeleton(other) && Elements.Length == other.Elements.Length &&
        Elements.ToHashSet().SetEquals(other.Elements);

    public bool Equals(Ruleset? other) =>
        other is not null && SameTable(other) && RequiredSysctls.SequenceEqual(other.RequiredSysctls);

    public override int GetHashCode() => HashCode.Combine(Family, Table, Chains.Length, Rules.Length, Elements.Length);

    /// <summary>
    /// One batch, in nft syntax, that makes the kernel's table exactly this one: <c>add table</c>
    /// (so the delete cannot fail), <c>delete table</c> (drops what is no longer wanted, whatever its
    /// shape), then the table with its sets, elements, chains and rules. libnftables sends it as one
    /// netlink batch: the kernel applies all of it or none. nft syntax, not JSON: libnftables 1.0.6
    /// (Debian 12) turns a JSON map declaration whose data is a concatenation (<c>ipv4_addr .
    /// inet_service</c>, the publish map's) into a plain set, and a rule using it then crashes it.
    /// </summary>
    public string ToReplaceText() =>
        $"add table {Family} {Table}\ndelete table {Family} {Table}\n" + ToText();

    /// <summary>The table in nft syntax (<c>nft -f</c> input, and what <c>nft list table</c> shows, minus handles).</summary>
    public string ToText()
    {
        var text = new System.Text.StringBuilder();
        text.Append("table ").Append(Family).Append(' ').Append(Table).Append(" {\n");
        var first = true;
        foreach (var set in Sets)
        {
            if (!first) text.Append('\n');
            first = false;
            text.Append('\t').Append(set.IsMap ? "map " : "set ").Append(set.Name).Append(" {\n");
            text.Append("\t\ttype ").Append(set.TypeText).Append('\n');
            if (set.Interval) text.Append("\t\tflags interval\n");
            var elements = Elements.Where(e => e.Set == set.Name).OrderBy(e => e.KeyText, StringComparer.Ordinal).ToList();
            if (elements.Count > 0)
            {
                text.Append("\t\telements = { ");
                for (var i = 0; i < elements.Count; i++)
                {
                    var e = elements[i];
                    if (i > 0) text.Append(",\n\t\t\t     ");
                    text.Append(e.KeyText).Append(" comment ").Append(NftText.Quote(e.Comment));
                    if (e.ValueText is { } value) text.Append(" : ").Append(value);
                }
                text.Append(" }\n");
            }
            text.Append("\t}\n");
        }
        foreach (var chain in Chains)
        {
            if (!first) text.Append('\n');
            first = false;
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
