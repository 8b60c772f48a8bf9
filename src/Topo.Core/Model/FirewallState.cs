using System.Globalization;

namespace Topo.Core.Model;

/// <summary>
/// A project's nftables table (<c>inet topo-&lt;project&gt;</c>; <c>ip</c> before IPv6): the whole firewall of one project.
/// Its skeleton (chains, sets, rules) is written whole in one atomic transaction; a change of
/// elements only is applied as element additions and deletions, in one transaction too. Owned
/// when its name is the project's.
/// </summary>
public sealed record FirewallTableState(string Family, string Name) : Resource
{
    public const string Prefix = "topo-";

    public override ResourceKind Kind => ResourceKind.FirewallTable;
    public override string Namespace => HostState.Host;
    protected override string MakeKey() => $"{Family} {Name}";

    public static string NameFor(string project) => Prefix + project;

    /// <summary>The table a firewall resource is in (its own name for a table); null for other resources.</summary>
    public static string? TableOf(Resource r) => r switch
    {
        FirewallTableState t => t.Name,
        FirewallChainState c => c.Table,
        FirewallSetState s => s.Table,
        FirewallRuleState rule => rule.Table,
        FirewallElementState e => e.Table,
        _ => null,
    };

    /// <summary>The family of the table a firewall resource is in; null for other resources.</summary>
    public static string? FamilyOf(Resource r) => r switch
    {
        FirewallTableState t => t.Family,
        FirewallChainState c => c.Family,
        FirewallSetState s => s.Family,
        FirewallRuleState rule => rule.Family,
        FirewallElementState e => e.Family,
        _ => null,
    };

    public override IEnumerable<ResourceAttribute> Attributes()
    {
        yield return new(AttributeKind.Label, Owner?.ToString());
    }
}

/// <summary>A base chain of a project's table: its hook, priority and policy.</summary>
public sealed record FirewallChainState(string Family, string Table, string Name) : Resource
{
    public override ResourceKind Kind => ResourceKind.FirewallChain;
    public override string Namespace => HostState.Host;
    protected override string MakeKey() => $"{Family} {Table} {Name}";
    public required string Type { get; init; }
    public required string Hook { get; init; }
    public required int Priority { get; init; }
    public required string Policy { get; init; }

    public override IEnumerable<ResourceAttribute> Attributes()
    {
        yield return new(AttributeKind.Type, Type, ForcesReplace: true);
        yield return new(AttributeKind.Hook, Hook, ForcesReplace: true);
        yield return new(AttributeKind.Priority, Priority.ToString(CultureInfo.InvariantCulture), ForcesReplace: true);
        yield return new(AttributeKind.Policy, Policy);
    }
}

/// <summary>
/// One rule, identified by its chain and comment. The comment starts with the label of what the
/// rule serves (<c>topo:wordpress:container:wordpress publish 0.0.0.0:80/tcp</c>), which is how
/// the observer knows whose it is; <see cref="Rule"/> is the rule in nft syntax, compared as text.
/// </summary>
public sealed record FirewallRuleState(string Family, string Table, string Chain, string Comment) : Resource
{
    public override ResourceKind Kind => ResourceKind.FirewallRule;
    public override string Namespace => HostState.Host;
    protected override string MakeKey() => $"{Family} {Table} {Chain} \"{Comment}\"";
    public required string Rule { get; init; }

    /// <summary>The rule as libnftables JSON (canonical <c>expr</c>): what the applier writes. Not compared: <see cref="Rule"/> is its rendering.</summary>
    public string Expression { get; init; } = "[]";

    public override IEnumerable<ResourceAttribute> Attributes()
    {
        yield return new(AttributeKind.Rule, Rule);
    }

    public override bool IsSatisfiedBy(Resource have) => have is FirewallRuleState h && h.Rule == Rule;

    /// <summary>The owner label at the start of a rule comment, if it has one.</summary>
    public static Label? OwnerOf(string comment)
    {
        var space = comment.IndexOf(' ');
        return Label.TryParse(space < 0 ? comment : comment[..space], out var label) ? label : null;
    }
}

/// <summary>
/// A named set or map of a project's table: <c>type ifname . ifname</c>,
/// <c>type inet_proto . ipv4_addr . inet_service : ipv4_addr . inet_service; flags interval</c>.
/// </summary>
public sealed record FirewallSetState(string Family, string Table, string Name) : Resource
{
    public override ResourceKind Kind => ResourceKind.FirewallSet;
    public override string Namespace => HostState.Host;
    protected override string MakeKey() => $"{Family} {Table} {Name}";

    /// <summary>nft's type line: key types joined by <c> . </c>, and <c> : </c> data types for a map.</summary>
    public required string Type { get; init; }

    /// <summary><c>interval</c>, or null.</summary>
    public string? Flags { get; init; }

    public bool IsMap => Type.Contains(" : ", StringComparison.Ordinal);

    /// <summary>Compared as one: <c>ifname . ipv4_addr, flags interval</c>.</summary>
    public override IEnumerable<ResourceAttribute> Attributes()
    {
        yield return new(AttributeKind.Type, Flags is null ? Type : $"{Type}, flags {Flags}", ForcesReplace: true);
    }
}

/// <summary>
/// One element of a set or map, identified by its set and key (as in the kernel):
/// <c>publish tcp . 0.0.0.0/0 . 8080</c> with <see cref="Value"/> <c>172.17.0.2 . 80</c>. The
/// comment starts with the label of what it serves (<c>topo:shop:container:web publish
/// 0.0.0.0:8080/tcp to web:80</c>), which is how the observer knows whose it is.
/// </summary>
public sealed record FirewallElementState(string Family, string Table, string Set, string Element) : Resource
{
    public override ResourceKind Kind => ResourceKind.FirewallElement;
    public override string Namespace => HostState.Host;
    protected override string MakeKey() => $"{Family} {Table} {Set} {Element}";

    /// <summary>A map element's data in nft syntax; null in a set.</summary>
    public string? Value { get; init; }

    public required string Comment { get; init; }

    /// <summary>The key as libnftables JSON: what the applier writes. Not compared: <see cref="Element"/> is its rendering.</summary>
    public string KeyJson { get; init; } = "null";

    /// <summary>A map element's data as libnftables JSON; null in a set.</summary>
    public string? ValueJson { get; init; }

    public override IEnumerable<ResourceAttribute> Attributes()
    {
        if (Value is not null) yield return new(AttributeKind.Value, Value);
        yield return new(AttributeKind.Comment, Comment);
    }

    public override bool IsSatisfiedBy(Resource have) => have is FirewallElementState h && h.Value == Value && h.Comment == Comment;
}
