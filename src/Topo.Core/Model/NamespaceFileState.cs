using System.Text;

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
    protected override string MakeKey() => $"{Namespace}/{Name}";

    public override IEnumerable<ResourceAttribute> Attributes()
    {
        yield return new(AttributeKind.Label, Owner?.ToString());
        yield return new(AttributeKind.Content, Content);
    }

    public override bool IsSatisfiedBy(Resource have) =>
        have is NamespaceFileState h && SameLabel(Owner, h.Owner) && h.Content == Content;

    /// <summary>The whole file as written: the label line, then the content.</summary>
    public string Text => Owner is not null ? Header + Content : Content;

    /// <summary>The label line, newline included (empty for a foreign file): what <see cref="Text"/> puts before the content.</summary>
    public string Header => Owner is { } owner ? $"# {owner}{HeaderTail}\n" : "";

    /// <summary>
    /// A file as read: <c># topo:…</c> on the first line gives the owner and the rest is the
    /// content; anything else is a foreign file, all content.
    /// </summary>
    public static NamespaceFileState Parse(string ns, string name, string text) => Parse(ns, name, Encoding.UTF8.GetBytes(text));

    /// <summary>Turns the bytes of a file's content into its text (an observer may hand out one string for equal contents).</summary>
    public delegate string ContentDecoder(ReadOnlySpan<byte> utf8);

    /// <summary>The same from the file's bytes (UTF-8), decoded once: the observer reads a thousand of them.</summary>
    public static NamespaceFileState Parse(string ns, string name, ReadOnlySpan<byte> utf8, ContentDecoder? decode = null)
    {
        decode ??= static bytes => Encoding.UTF8.GetString(bytes);
        var end = utf8.IndexOf((byte)'\n');
        var first = end < 0 ? utf8 : utf8[..end];
        if (first.StartsWith("# "u8))
        {
            var token = first[2..];
            var space = token.IndexOf((byte)' ');
            if (Label.TryParse(Encoding.UTF8.GetString(space < 0 ? token : token[..space]), out var owner))
                return new NamespaceFileState(ns, name, end < 0 ? "" : decode(utf8[(end + 1)..])) { Owner = owner };
        }
        return new NamespaceFileState(ns, name, decode(utf8));
    }
}
