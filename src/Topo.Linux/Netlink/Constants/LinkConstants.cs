namespace Topo.Linux.Netlink.Constants;

// Values from include/uapi/linux/if_link.h, if.h, veth.h (checked against /usr/include/linux).

/// <summary>Top-level link attributes (IFLA_*).</summary>
internal static class Ifla
{
    public const ushort Address = 1;     // IFLA_ADDRESS
    public const ushort Broadcast = 2;   // IFLA_BROADCAST
    public const ushort IfName = 3;      // IFLA_IFNAME
    public const ushort Mtu = 4;         // IFLA_MTU
    public const ushort Link = 5;        // IFLA_LINK
    public const ushort Master = 10;     // IFLA_MASTER
    public const ushort ProtInfo = 12;   // IFLA_PROTINFO
    public const ushort TxQueueLength = 13; // IFLA_TXQLEN
    public const ushort OperState = 16;  // IFLA_OPERSTATE
    public const ushort LinkInfo = 18;   // IFLA_LINKINFO
    public const ushort NetNsPid = 19;   // IFLA_NET_NS_PID
    public const ushort IfAlias = 20;    // IFLA_IFALIAS
    public const ushort NetNsFd = 28;    // IFLA_NET_NS_FD
    public const ushort ExtMask = 29;    // IFLA_EXT_MASK
    public const ushort LinkNetNsId = 37; // IFLA_LINK_NETNSID
}

/// <summary>Attributes nested in IFLA_LINKINFO (IFLA_INFO_*).</summary>
internal static class IflaInfo
{
    public const ushort Kind = 1;        // IFLA_INFO_KIND
    public const ushort Data = 2;        // IFLA_INFO_DATA
    public const ushort SlaveKind = 4;   // IFLA_INFO_SLAVE_KIND
    public const ushort SlaveData = 5;   // IFLA_INFO_SLAVE_DATA
}

/// <summary>Bridge port attributes, nested in IFLA_PROTINFO or IFLA_INFO_SLAVE_DATA (IFLA_BRPORT_*).</summary>
internal static class IflaBridgePort
{
    public const ushort State = 1;     // IFLA_BRPORT_STATE
    public const ushort Mode = 4;      // IFLA_BRPORT_MODE (hairpin)
    public const ushort Isolated = 33; // IFLA_BRPORT_ISOLATED
}

/// <summary>net_device_flags (IFF_*), ifinfomsg.ifi_flags.</summary>
[Flags]
internal enum InterfaceFlags : uint
{
    None = 0,
    Up = 0x1,          // IFF_UP
    Broadcast = 0x2,   // IFF_BROADCAST
    Loopback = 0x8,    // IFF_LOOPBACK
    PointToPoint = 0x10, // IFF_POINTOPOINT
    Running = 0x40,    // IFF_RUNNING
    NoArp = 0x80,      // IFF_NOARP
    Promisc = 0x100,   // IFF_PROMISC
    Multicast = 0x1000, // IFF_MULTICAST
    LowerUp = 0x10000, // IFF_LOWER_UP
}

/// <summary>ARPHRD_* device types of ifinfomsg.ifi_type.</summary>
internal static class ArpHardware
{
    public const ushort Ether = 1;      // ARPHRD_ETHER
    public const ushort Loopback = 772; // ARPHRD_LOOPBACK
}

/// <summary>Ethernet protocol numbers.</summary>
internal static class EtherType
{
    public const ushort Vlan8021Q = 0x8100;  // ETH_P_8021Q
}

/// <summary>Sizes of link-layer values.</summary>
internal static class LinkSizes
{
    public const int MacAddress = 6;  // ETH_ALEN
    /// <summary>IFNAMSIZ - 1: longest interface name.</summary>
    public const int MaxNameLength = 15;
}
