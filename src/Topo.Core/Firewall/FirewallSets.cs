namespace Topo.Core.Firewall;

/// <summary>The named sets and maps of a project's table (their types: <see cref="RulesetBuilder.Sets"/>).</summary>
public static class FirewallSets
{
    /// <summary><c>"BR" . "BR"</c> for every bridge: "within one bridge" (nft cannot compare iifname with oifname).</summary>
    public const string SameBridge = "same-bridge";
    /// <summary>Bridges of internal networks: no forwarding in or out.</summary>
    public const string Internal = "internal";
    /// <summary>Bridges of the other networks: isolated from other bridges, no direct routing in.</summary>
    public const string External = "external";
    /// <summary>Bridges with ICC off.</summary>
    public const string IccOff = "icc-off";
    /// <summary>Bridges behind ports the host reaches through 127.0.0.1 (route_localnet=1 on them).</summary>
    public const string Localnet = "localnet";
    /// <summary><c>"BR" . SUBNET</c>: traffic leaving the network is masqueraded.</summary>
    public const string Masquerade = "masquerading";
    /// <summary><c>"BR" . IPV6_SUBNET</c>: the same for IPv6 (NAT66).</summary>
    public const string Masquerade6 = "masquerading6";
    /// <summary>Bridges, not topo's, of the host's way out (a route through a gateway): isolation lets traffic leave through them.</summary>
    public const string UplinkBridges = "uplink-bridges";
    /// <summary><c>PROTO . HOST_IP . HOST_PORT : CONTAINER_IP . CONTAINER_PORT</c> (<c>0.0.0.0/0</c> for any host address).</summary>
    public const string Publish = "publish";
    /// <summary><c>PROTO . HOST_IP . FIRST-LAST : CONTAINER_IP</c>: a range published on the same ports, one element.</summary>
    public const string PublishRange = "publish-range";
    /// <summary><c>CONTAINER_IP . PROTO . PORTS</c>: DNATed traffic to these passes the forward drops.</summary>
    public const string Published = "published";
    /// <summary><c>C . C</c> for every container that publishes ports: reaching its own port through the host is masqueraded.</summary>
    public const string HairpinSelf = "hairpin-self";
    /// <summary>The IPv6 twins of the four above, for ports published on IPv6 host addresses (<c>::/0</c> for any).</summary>
    public const string Publish6 = "publish6";
    public const string PublishRange6 = "publish-range6";
    public const string Published6 = "published6";
    public const string HairpinSelf6 = "hairpin-self6";

    /// <summary>What a set holds, for plans: "set of …".</summary>
    public static string Purpose(string set) => set switch
    {
        SameBridge => "every bridge paired with itself (traffic within one bridge)",
        Internal => "the bridges of internal networks (no forwarding in or out)",
        External => "the bridges of the other networks (isolated from other bridges, no direct routing in)",
        IccOff => "the bridges with ICC off",
        Localnet => "the bridges behind ports reached through 127.0.0.1",
        Masquerade => "the bridges and subnets whose traffic out is masqueraded",
        Masquerade6 => "the bridges and IPv6 subnets whose traffic out is masqueraded",
        UplinkBridges => "the bridges of the host's way out (isolation lets traffic leave through them)",
        Publish => "published ports (host address and port to container address and port)",
        PublishRange => "published port ranges (host address and ports to container address, same ports)",
        Published => "the container ports published ports lead to (allowed through)",
        HairpinSelf => "containers that publish ports (reaching their own through a host address is masqueraded)",
        Publish6 => "ports published on IPv6 (host address and port to container address and port)",
        PublishRange6 => "port ranges published on IPv6 (host address and ports to container address, same ports)",
        Published6 => "the container ports published IPv6 ports lead to (allowed through)",
        HairpinSelf6 => "containers that publish IPv6 ports (reaching their own through a host address is masqueraded)",
        _ => "what the rules look packets up in",
    };
}
