namespace Topo.Core.Model;

public enum ResourceKind { Sysctl, Namespace, Link, Address, Route, FirewallTable, FirewallChain, FirewallRule, NamespaceFile, FirewallSet, FirewallElement }

/// <summary>
/// One attribute of a resource as the planner compares it and the renderers show it.
/// A null value on the desired side means "no opinion": whatever the kernel has is fine.
/// <see cref="ForcesReplace"/>: the kernel cannot change it in place. The value is text because
/// that is what plans show; which attribute it is stays typed.
/// </summary>
public readonly record struct ResourceAttribute(AttributeId Attribute, string? Value, bool ForcesReplace = false);

/// <summary>
/// A kernel object topo reads, compares and writes. Desired and Observed hold the same types,
/// so a diff is a comparison of values. <see cref="Key"/> identifies the object within its kind;
/// <see cref="Owner"/> is its ownership label (null: foreign, never changed).
/// </summary>
public abstract record Resource
{
    public abstract ResourceKind Kind { get; }

    /// <summary>Unique among resources of the same kind, e.g. <c>wordpress/eth0</c>.</summary>
    /// <remarks>
    /// Made once per object: a plan at 2,000 containers keys 18,000 resources on each side, the
    /// observed ones twice (to find them, and to find what is left over), and verifying keys the
    /// same desired objects and the reused readings again.
    /// </remarks>
    public string Key => _key ??= MakeKey();

    private string? _key;

    /// <summary>The <see cref="Key"/>, formatted from the resource's fields.</summary>
    protected abstract string MakeKey();

    protected Resource()
    {
    }

    /// <summary>What <c>with</c> copies: the fields, not the key, which may be made of what changes.</summary>
    protected Resource(Resource original)
    {
        ArgumentNullException.ThrowIfNull(original);
        Owner = original.Owner;
    }

    /// <summary>Equal kind and owner (the derived records compare their own fields); the cached key is no part of a value.</summary>
    public virtual bool Equals(Resource? other) =>
        ReferenceEquals(this, other) || (other is not null && EqualityContract == other.EqualityContract && Equals(Owner, other.Owner));

    public override int GetHashCode() => HashCode.Combine(EqualityContract, Owner);

    /// <summary>The namespace the object lives in; <see cref="HostState.Host"/> for the host.</summary>
    public abstract string Namespace { get; }

    public Label? Owner { get; init; }

    /// <summary>The attributes compared by the planner, in display order.</summary>
    public abstract IEnumerable<ResourceAttribute> Attributes();

    /// <summary>
    /// True when <paramref name="have"/> already has every attribute this desired resource has an
    /// opinion on, judged on typed values: a converged host compares thousands of resources, and
    /// spelling each attribute out as text was most of what planning allocated. False means
    /// "compare <see cref="Attributes"/>" (which may still find no change), never "different".
    /// </summary>
    public virtual bool IsSatisfiedBy(Resource have) => false;

    /// <summary>A desired label (or none: no opinion) that <paramref name="have"/> carries; equal labels print the same.</summary>
    protected static bool SameLabel(Label? wanted, Label? have) => wanted is null || wanted.Equals(have);

    /// <summary>Short human form, e.g. <c>link br-1a2b3c4d5e6f (bridge)</c>.</summary>
    public string Display => $"{KindName} {Key}";

    /// <summary>The kind as people read it: <c>link</c>, <c>firewall rule</c>.</summary>
    public string KindName => Kind switch
    {
        ResourceKind.FirewallTable => "firewall table",
        ResourceKind.FirewallChain => "firewall chain",
        ResourceKind.FirewallRule => "firewall rule",
        ResourceKind.NamespaceFile => "file",
        ResourceKind.FirewallSet => "firewall set",
        ResourceKind.FirewallElement => "firewall element",
        _ => Kind.Name(),
    };

    protected static string Where(string ns) => ns.Length == 0 ? "host" : ns;
}
