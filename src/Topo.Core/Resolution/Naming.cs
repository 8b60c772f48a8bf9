using System.Text;
using Topo.Core.Hashing;

namespace Topo.Core.Resolution;

/// <summary>
/// Deterministic kernel names. Hashing (project, network[, container]) gives the same name on
/// every host and every run, and two projects never pick the same name for different things.
/// All names fit IFNAMSIZ (15 characters).
/// </summary>
public static class Naming
{
    public const int MaxInterfaceName = 15;
    public const string DefaultBridgeNetwork = "bridge";
    public const string DefaultBridgeName = Spec.BuiltIns.BridgeInterface;

    /// <summary><c>br-</c> + 12 hex digits, as Docker names user-defined bridges.</summary>
    public static string BridgeName(string project, string network) => "br-" + Hex($"{project}/{network}", 12);

    /// <summary>The interface of a bridge network: <c>bridge_name</c> if given, <c>topo0</c> for the default bridge, else hashed.</summary>
    public static string BridgeNameOf(string project, Spec.NetworkSpec network) =>
        network.BridgeName ?? (network.Name == DefaultBridgeNetwork ? DefaultBridgeName : BridgeName(project, network.Name));

    /// <summary>
    /// Every bridge interface the file can use, known without resolving it (the default bridge
    /// whether or not a container uses it): what the host must be read for before planning.
    /// </summary>
    public static IEnumerable<string> BridgeNamesOf(Spec.TopologyFile spec)
    {
        var bridges = spec.Networks.Where(n => n.Driver == Spec.NetworkDriver.Bridge).Select(n => BridgeNameOf(spec.Name, n));
        return spec.FindNetwork(DefaultBridgeNetwork) is null ? bridges.Append(DefaultBridgeName) : bridges;
    }

    /// <summary>Host end of a container's veth: <c>veth</c> + 7 hex digits.</summary>
    public static string HostVethName(string project, string container, string network) =>
        "veth" + Hex($"{project}/{container}/{network}", 7);

    /// <summary>The container's side: eth0, eth1, … in the order its networks are listed.</summary>
    public static string ContainerInterface(int index) => $"eth{index}";

    /// <summary>
    /// A fixed bridge MAC, 02:42 + 4 bytes of a hash of project/network. Without one, a Linux
    /// bridge takes the lowest MAC of its ports, so adding a container could change it and
    /// stale every neighbour's ARP entry for the gateway. Docker sets one for the same reason.
    /// </summary>
    public static Addressing.MacAddress BridgeMac(string project, string network)
    {
        Span<byte> hash = stackalloc byte[Sha256.HashSize];
        Sha256.HashData(Encoding.UTF8.GetBytes($"{project}/{network}"), hash);
        return new Addressing.MacAddress(0x0242_0000_0000UL | System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(hash));
    }

    private static string Hex(string input, int digits)
    {
        Span<byte> hash = stackalloc byte[Sha256.HashSize];
        Sha256.HashData(Encoding.UTF8.GetBytes(input), hash);
        return Convert.ToHexStringLower(hash)[..digits];
    }
}
