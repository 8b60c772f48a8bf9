using System.Collections.Immutable;
using Topo.Core.Model;

namespace Topo.Core.Planning;

/// <summary>
/// The ordered changes that take a host from Observed to Desired for one project. A value:
/// renderers only read it, the applier only runs it. <see cref="Desired"/> is kept so that a
/// renderer can draw the topology after the change.
/// </summary>
public sealed record Plan(string Project, ImmutableArray<PlanAction> Actions, HostState Desired)
{
    /// <summary>Version of the JSON form (docs/plan-json.md); bump on any incompatible change.</summary>
    public const int FormatVersion = 1;

    public bool IsEmpty => Actions.IsEmpty;

    public int ToAdd => Actions.Count(a => a.Kind is ActionKind.Create or ActionKind.Replace);

    public int ToChange => Actions.Count(a => a.Kind == ActionKind.Update);

    public int ToDestroy => Actions.Count(a => a.Kind is ActionKind.Delete or ActionKind.Replace);

    public const string NoChanges = "No changes. The host matches the topology.";

    public string Summary => IsEmpty
        ? NoChanges
        : $"Plan: {ToAdd} to add, {ToChange} to change, {ToDestroy} to destroy.";
}

/// <summary>How a plan groups actions for people: by the network or container an object serves.</summary>
public readonly record struct PlanGroup(string Kind, string Name) : IComparable<PlanGroup>
{
    public static readonly PlanGroup Host = new("host", "");

    public static PlanGroup Of(Resource resource) => resource.Owner switch
    {
        { Role: LabelRole.Network } l => new("network", l.Name),
        { Role: LabelRole.Parent } l => new("network", l.Name),
        { Container: { } c } => new("container", c),
        _ => Host,
    };

    private int Rank => Kind switch { "host" => 0, "network" => 1, _ => 2 };

    public int CompareTo(PlanGroup other)
    {
        var c = Rank.CompareTo(other.Rank);
        return c != 0 ? c : string.CompareOrdinal(Name, other.Name);
    }

    public override string ToString() => Kind == "host" ? "host" : $"{Kind} {Name}";
}
