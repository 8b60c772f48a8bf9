using System.Collections.Immutable;
using Topo.Core.Model;

namespace Topo.Core.Planning;

/// <summary>What an action does to its resource. Each carries the symbol Terraform users know.</summary>
public enum ActionKind { Create, Update, Replace, Delete }

public static class ActionKindExtensions
{
    public static string Symbol(this ActionKind kind) => kind switch
    {
        ActionKind.Create => "+",
        ActionKind.Update => "~",
        ActionKind.Replace => "-/+",
        ActionKind.Delete => "-",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static string Verb(this ActionKind kind) => kind switch
    {
        ActionKind.Create => "create",
        ActionKind.Update => "update",
        ActionKind.Replace => "replace",
        ActionKind.Delete => "delete",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}

/// <summary>
/// One attribute that differs: <c>mtu: 1500 → 9000</c>. Null Before on create, null After on delete.
/// The applier dispatches on <see cref="Attribute"/>; its printed name is made by the renderers.
/// </summary>
public sealed record AttributeChange(AttributeId Attribute, string? Before, string? After, bool ForcesReplace);

/// <summary>
/// One step of a plan. <see cref="Before"/> is the observed object (null on create),
/// <see cref="After"/> the desired one (null on delete). <see cref="Includes"/> are objects that
/// come and go with this one in the same kernel operation (a veth's peer end).
/// <see cref="DependsOn"/> names the ids of earlier actions that must run first.
/// </summary>
public sealed record PlanAction(
    int Id,
    ActionKind Kind,
    Resource? Before,
    Resource? After,
    ImmutableArray<AttributeChange> Changes,
    string Reason,
    ImmutableArray<int> DependsOn,
    ImmutableArray<Resource> Includes)
{
    public Resource Subject => After ?? Before ?? throw new InvalidOperationException("an action has a before or an after");

    public string Symbol => Kind.Symbol();
}
