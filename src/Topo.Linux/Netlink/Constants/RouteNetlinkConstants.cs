namespace Topo.Linux.Netlink.Constants;

// Values from include/uapi/linux/rtnetlink.h and include/linux/socket.h.

/// <summary>rtnetlink message types (RTM_*).</summary>
internal static class RtmType
{
    public const ushort NewLink = 16;  // RTM_NEWLINK
    public const ushort DelLink = 17;  // RTM_DELLINK
    public const ushort GetLink = 18;  // RTM_GETLINK
    public const ushort SetLink = 19;  // RTM_SETLINK
    public const ushort NewAddress = 20; // RTM_NEWADDR
    public const ushort DelAddress = 21; // RTM_DELADDR
    public const ushort GetAddress = 22; // RTM_GETADDR
    public const ushort NewRoute = 24; // RTM_NEWROUTE
    public const ushort DelRoute = 25; // RTM_DELROUTE
    public const ushort GetRoute = 26; // RTM_GETROUTE
}

/// <summary>Address families used in rtnetlink headers.</summary>
internal static class AddressFamily
{
    public const byte Unspecified = 0; // AF_UNSPEC
    public const byte Inet = 2;        // AF_INET
    public const byte Bridge = 7;      // AF_BRIDGE
    public const byte Inet6 = 10;      // AF_INET6
    public const ushort Netlink = 16;  // AF_NETLINK
}

/// <summary>sizeof the fixed family headers.</summary>
internal static class RtnlHeaderSize
{
    public const int IfInfo = 16;  // struct ifinfomsg
    public const int IfAddr = 8;   // struct ifaddrmsg
    public const int Rt = 12;      // struct rtmsg
}
