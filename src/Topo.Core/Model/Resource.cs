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
    public abstract string Key { get; }

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
