namespace Topo.Core.Resolution;

/// <summary>
/// What every bridge topo makes has set on it, whatever its networks' families. Router
/// advertisements off (<c>accept_ra=0</c>): a container with CAP_NET_RAW can send one into its
/// bridge even from an IPv4-only network, and a host that takes it gets an IPv6 default route
/// through that container and an address of the container's choosing (CVE-2020-13401; Docker has
/// turned them off on its bridges since 19.03.11). The host has IPv6 on its bridges (link-local
/// at least) and forwarding off until a non-internal network has IPv6, so the kernel would take
/// them; topo gives a bridge its addresses, and nothing behind it is the host's router.
/// </summary>
public static class BridgeSysctls
{
    public const string AcceptRaLeaf = "accept_ra";

    public static string AcceptRa(string bridge) => $"net.ipv6.conf.{bridge}.{AcceptRaLeaf}";

    /// <summary>
    /// Whether a bridge of this MTU (null: the kernel's 1500) has IPv6, and so settings for it:
    /// below IPv6's smallest MTU the kernel takes IPv6 off an interface, its settings with it.
    /// </summary>
    public static bool HasIpv6(int? mtu) => mtu is not < Spec.Ipv6Checks.MinMtu;

    /// <summary>Set (to 1) on a bridge that receives ports published on 127.0.0.1 (the firewall decides which).</summary>
    public static string RouteLocalnet(string bridge) => $"net.ipv4.conf.{bridge}.route_localnet";

    /// <summary>A bridge's own settings topo may set: what observing reads for every bridge a file can use.</summary>
    public static IEnumerable<string> Of(string bridge) => [RouteLocalnet(bridge), AcceptRa(bridge)];
}
