namespace Topo.Core.Model;

/// <summary>
/// A configuration file of a named namespace: <c>/etc/netns/NS/NAME</c>, which
/// <c>ip netns exec NS</c> mounts over <c>/etc/NAME</c> (topo writes <c>resolv.conf</c> and
/// <c>hosts</c>). Its first line is a comment carrying the owner's label, which is how a file is
/// known to be topo's; <see cref="Content"/> is everything after that line. A file whose first
/// line carries no label is foreign (<see cref="Resource.Owner"/> null) and its whole text is the content.
/// </summary>
public sealed record NamespaceFileState(string Namespace, string Name, string Content) : Resource
{
    public const string ResolvConf = "resolv.conf";
    public const string Hosts = "hosts";

    /// <summary>After the label on the first line.</summary>
    private const string HeaderTail = " — written by topo; changes are overwritten";

    public override ResourceKind Kind => ResourceKind.NamespaceFile;
    public override string Namespace { get; } = Namespace;
    public override string Key => $"{Namespace}/{Name}";

    public override IEnumerable<ResourceAttribute> Attributes()
    {
        yield return new("label", Owner?.ToString());
        yield return new("content", Content);
    }

    public override bool IsSatisfiedBy(Resource have) =>
        have is NamespaceFileState h && SameLabel(Owner, h.Owner) && h.Content == Content;

    /// <summary>The whole file as written: the label line, then the content.</summary>
    public string Text => Owner is { } owner ? $"# {owner}{HeaderTail}\n{Content}" : Content;

    /// <summary>
    /// A file as read: <c># topo:…</c> on the first line gives the owner and the rest is the
    /// content; anything else is a foreign file, all content.
    /// </summary>
    public static NamespaceFileState Parse(string ns, string name, string text)
    {
        var end = text.IndexOf('\n');
        var first = end < 0 ? text : text[..end];
        if (first.StartsWith("# ", StringComparison.Ordinal))
        {
            var token = first.AsSpan(2);
            var space = token.IndexOf(' ');
            if (Label.TryParse((space < 0 ? token : token[..space]).ToString(), out var owner))
                return new NamespaceFileState(ns, name, end < 0 ? "" : text[(end + 1)..]) { Owner = owner };
        }
        return new NamespaceFileState(ns, name, text);
    }
}
