using System.Globalization;

namespace Topo.Core.Model;

/// <summary>
/// A project's nftables table (<c>ip topo-&lt;project&gt;</c>): the whole firewall of one project,
/// always replaced in one atomic transaction. Owned when its name is the project's.
/// </summary>
public sealed record FirewallTableState(string Family, string Name) : Resource
{
    public const string Prefix = "topo-";

    public override ResourceKind Kind => ResourceKind.FirewallTable;
    public override string Namespace => HostState.Host;
    public override string Key => $"{Family} {Name}";

    public static string NameFor(string project) => Prefix + project;

    public override IEnumerable<ResourceAttribute> Attributes()
    {
        yield return new("label", Owner?.ToString());
    }
}

/// <summary>A base chain of a project's table: its hook, priority and policy.</summary>
public sealed record FirewallChainState(string Family, string Table, string Name) : Resource
{
    public override ResourceKind Kind => ResourceKind.FirewallChain;
    public override string Namespace => HostState.Host;
    public override string Key => $"{Family} {Table} {Name}";
    public required string Type { get; init; }
    public required string Hook { get; init; }
    public required int Priority { get; init; }
    public required string Policy { get; init; }

    public override IEnumerable<ResourceAttribute> Attributes()
    {
        yield return new("type", Type, ForcesReplace: true);
        yield return new("hook", Hook, ForcesReplace: true);
        yield return new("priority", Priority.ToString(CultureInfo.InvariantCulture), ForcesReplace: true);
        yield return new("policy", Policy);
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
    public override string Key => $"{Family} {Table} {Chain} \"{Comment}\"";
    public required string Rule { get; init; }

    /// <summary>The rule as libnftables JSON (canonical <c>expr</c>): what the applier writes. Not compared: <see cref="Rule"/> is its rendering.</summary>
    public string Expression { get; init; } = "[]";

    public override IEnumerable<ResourceAttribute> Attributes()
    {
        yield return new("rule", Rule);
    }

    public override bool IsSatisfiedBy(Resource have) => have is FirewallRuleState h && h.Rule == Rule;

    /// <summary>The owner label at the start of a rule comment, if it has one.</summary>
    public static Label? OwnerOf(string comment)
    {
        var space = comment.IndexOf(' ');
        return Label.TryParse(space < 0 ? comment : comment[..space], out var label) ? label : null;
    }
}
