namespace Topo.Core.Model;

/// <summary>
/// The lower-case names plans, labels and snapshots show for the model's enums. A switch rather
/// than <c>ToString().ToLowerInvariant()</c>: that reads reflection data and allocates a folded
/// copy each time, and planning 500 containers asks for thousands of these.
/// </summary>
public static class EnumNames
{
    /// <summary>A link kind's name is its member's, folded once here: a new kind is one enum member and nothing more.</summary>
    public static string Name(this LinkKind kind) =>
        (uint)kind < (uint)LinkKindNames.Length ? LinkKindNames[(int)kind] : throw new ArgumentOutOfRangeException(nameof(kind), kind, null);

    private static readonly string[] LinkKindNames =
        Enum.GetValues<LinkKind>().Select((k, i) => k == (LinkKind)i ? k.ToString().ToLowerInvariant() : throw new InvalidOperationException("LinkKind members must be numbered 0, 1, 2, ...")).ToArray();

    public static string Name(this MacvlanMode mode) => mode switch
    {
        MacvlanMode.Private => "private",
        MacvlanMode.Vepa => "vepa",
        MacvlanMode.Bridge => "bridge",
        MacvlanMode.Passthru => "passthru",
        MacvlanMode.Source => "source",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };

    public static string Name(this LabelRole role) => role switch
    {
        LabelRole.Network => "network",
        LabelRole.Endpoint => "endpoint",
        LabelRole.Container => "container",
        LabelRole.Parent => "parent",
        LabelRole.Firewall => "firewall",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    public static string Name(this ResourceKind kind) => kind switch
    {
        ResourceKind.Sysctl => "sysctl",
        ResourceKind.Namespace => "namespace",
        ResourceKind.Link => "link",
        ResourceKind.Address => "address",
        ResourceKind.Route => "route",
        ResourceKind.FirewallTable => "firewalltable",
        ResourceKind.FirewallChain => "firewallchain",
        ResourceKind.FirewallRule => "firewallrule",
        ResourceKind.NamespaceFile => "namespacefile",
        ResourceKind.FirewallSet => "firewallset",
        ResourceKind.FirewallElement => "firewallelement",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>
    /// The name plans print for an attribute (plan text, markdown and JSON, docs/plan-json.md).
    /// <see cref="AttributeKind.KindDetail"/> has none: its field's is printed (<see cref="AttributeId.Name"/>).
    /// </summary>
    public static string Name(this AttributeKind attribute) => attribute switch
    {
        AttributeKind.Type => "type",
        AttributeKind.Peer => "peer",
        AttributeKind.Parent => "parent",
        AttributeKind.Label => "label",
        AttributeKind.Master => "master",
        AttributeKind.Mac => "mac",
        AttributeKind.Mtu => "mtu",
        AttributeKind.Isolated => "isolated",
        AttributeKind.Hairpin => "hairpin",
        AttributeKind.State => "state",
        AttributeKind.Shares => "shares",
        AttributeKind.Address => "address",
        AttributeKind.Via => "via",
        AttributeKind.Dev => "dev",
        AttributeKind.Value => "value",
        AttributeKind.Hook => "hook",
        AttributeKind.Priority => "priority",
        AttributeKind.Policy => "policy",
        AttributeKind.Rule => "rule",
        AttributeKind.Comment => "comment",
        AttributeKind.Content => "content",
        _ => throw new ArgumentOutOfRangeException(nameof(attribute), attribute, null),
    };
}
