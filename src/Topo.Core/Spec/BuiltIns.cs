namespace Topo.Core.Spec;

/// <summary>Networks that exist without being declared, as in Docker.</summary>
public static class BuiltIns
{
    /// <summary>The default bridge: joined by containers that name no network; may be redeclared to change its subnet.</summary>
    public const string Bridge = "bridge";
    /// <summary>The default bridge's interface, shared by every project: no other network may take the name.</summary>
    public const string BridgeInterface = "topo0";
    /// <summary>Not a network to join: <c>network_mode: host</c>.</summary>
    public const string Host = "host";
    /// <summary>Not a network to join: <c>network_mode: none</c>.</summary>
    public const string None = "none";
}
