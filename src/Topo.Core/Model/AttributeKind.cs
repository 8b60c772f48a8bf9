namespace Topo.Core.Model;

/// <summary>
/// Every attribute a resource can have compared, as the planner hands it to the applier. The
/// applier dispatches on these values; the lower-case names (<see cref="EnumNames.Name(AttributeKind)"/>)
/// are only what plans print, so renaming one cannot change what apply does.
/// </summary>
public enum AttributeKind
{
    // links; a link kind's own fields (a VXLAN link's VNI) are KindDetail, told apart by their DetailField
    Type, Peer, Parent, KindDetail, Label, Master, Mac, Mtu, Isolated, Hairpin, State,
    // namespaces (Label too)
    Shares,
    // addresses, routes, sysctls
    Address, Via, Dev, Value,
    // firewall (Label, Type and Value too)
    Hook, Priority, Policy, Rule, Comment,
    // namespace files (Label too)
    Content,
}

/// <summary>
/// Which attribute: a member of <see cref="AttributeKind"/>, or for <see cref="AttributeKind.KindDetail"/>
/// the link kind's own field. Typed both ways (the field is an instance its kind declares), so the
/// applier never compares names; <see cref="Name"/> is for display.
/// </summary>
public readonly record struct AttributeId
{
    public AttributeId(AttributeKind kind)
    {
        if (kind == AttributeKind.KindDetail) throw new ArgumentException("a kind detail is identified by its field", nameof(kind));
        Kind = kind;
    }

    public AttributeId(DetailField detail)
    {
        Kind = AttributeKind.KindDetail;
        Detail = detail;
    }

    public AttributeKind Kind { get; }

    /// <summary>The kind's field when <see cref="Kind"/> is <see cref="AttributeKind.KindDetail"/>; else null.</summary>
    public DetailField? Detail { get; }

    /// <summary>The name plans print and plan JSON keys attributes by (docs/plan-json.md).</summary>
    public string Name() => Detail?.Name ?? Kind.Name();

    public override string ToString() => Name();

    public static implicit operator AttributeId(AttributeKind kind) => new(kind);

    public static implicit operator AttributeId(DetailField detail) => new(detail);
}
