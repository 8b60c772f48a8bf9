namespace Topo.Core.Model;

/// <summary>
/// A kernel setting under /proc/sys, by its dotted key (<c>net.ipv4.ip_forward</c>). Settings are
/// never owned: topo sets what the topology needs and never resets them on destroy, as Docker does.
/// </summary>
public sealed record SysctlState(string Namespace, string Name, string Value) : Resource
{
    public override ResourceKind Kind => ResourceKind.Sysctl;
    public override string Namespace { get; } = Namespace;
    protected override string MakeKey() => $"{Where(Namespace)} {Name}";

    /// <summary>The interface this is one of the own settings of (<c>net.ipv4.conf.IF.key</c>, <c>net.ipv6.conf.IF.key</c>); null for any other key.</summary>
    public string? Interface => SplitInterfaceKey(Name)?.Interface;

    private static readonly string[] InterfacePrefixes = ["net.ipv4.conf.", "net.ipv6.conf."];

    /// <summary>
    /// An interface's own setting split into its family prefix, the interface and the setting's
    /// leaf; null for any other key, and for <c>all</c> and <c>default</c>, which are not
    /// interfaces. Linux allows dots in an interface's name (<c>br.lan</c>): the name is what lies
    /// between the prefix and the last dot.
    /// </summary>
    public static (string Prefix, string Interface, string Leaf)? SplitInterfaceKey(string key)
    {
        foreach (var prefix in InterfacePrefixes)
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var rest = key[prefix.Length..];
            var dot = rest.LastIndexOf('.');
            if (dot <= 0 || rest[..dot] is "all" or "default") return null;
            return (prefix, rest[..dot], rest[(dot + 1)..]);
        }
        return null;
    }

    public override IEnumerable<ResourceAttribute> Attributes()
    {
        yield return new(AttributeKind.Value, Value);
    }

    public override bool IsSatisfiedBy(Resource have) => have is SysctlState h && h.Value == Value;
}
