namespace Topo.Core.Model;

/// <summary>
/// A kernel setting under /proc/sys, by its dotted key (<c>net.ipv4.ip_forward</c>). Settings are
/// never owned: topo sets what the topology needs and never resets them on destroy, as Docker does.
/// </summary>
public sealed record SysctlState(string Namespace, string Name, string Value) : Resource
{
    public override ResourceKind Kind => ResourceKind.Sysctl;
    public override string Namespace { get; } = Namespace;
    public override string Key => $"{Where(Namespace)} {Name}";

    public override IEnumerable<ResourceAttribute> Attributes()
    {
        yield return new(AttributeKind.Value, Value);
    }

    public override bool IsSatisfiedBy(Resource have) => have is SysctlState h && h.Value == Value;
}
