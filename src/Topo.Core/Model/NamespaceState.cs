namespace Topo.Core.Model;

/// <summary>
/// A named network namespace (iproute2's /run/netns/NAME). A container in <c>container:web</c>
/// mode gets a name that points at web's namespace: <see cref="SharesWith"/> is "web".
/// </summary>
public sealed record NamespaceState(string Name, string? SharesWith = null) : Resource
{
    public override ResourceKind Kind => ResourceKind.Namespace;
    protected override string MakeKey() => Name;
    public override string Namespace => HostState.Host;

    public override IEnumerable<ResourceAttribute> Attributes()
    {
        if (SharesWith is not null) yield return new(AttributeKind.Shares, SharesWith, ForcesReplace: true);
        // A shared name points at another container's namespace, whose lo carries that container's label.
        if (SharesWith is null) yield return new(AttributeKind.Label, Owner?.ToString());
    }

    public override bool IsSatisfiedBy(Resource have) =>
        have is NamespaceState h &&
        (SharesWith is null ? Owner is null || (h.SharesWith is null && Owner.Equals(h.Owner)) : SharesWith == h.SharesWith);
}
