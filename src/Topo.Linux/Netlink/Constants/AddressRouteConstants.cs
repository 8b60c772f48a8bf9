namespace Topo.Linux.Netlink.Constants;

// Values from include/uapi/linux/if_addr.h and rtnetlink.h.

/// <summary>Address attributes (IFA_*).</summary>
internal static class Ifa
{
    public const ushort Address = 1;   // IFA_ADDRESS
    public const ushort Local = 2;     // IFA_LOCAL
    public const ushort Label = 3;     // IFA_LABEL
    public const ushort Broadcast = 4; // IFA_BROADCAST
    public const ushort CacheInfo = 6; // IFA_CACHEINFO
    public const ushort Flags = 8;     // IFA_FLAGS
}

/// <summary>Route attributes (RTA_*).</summary>
internal static class Rta
{
    public const ushort Destination = 1; // RTA_DST
    public const ushort OutputInterface = 4; // RTA_OIF
    public const ushort Gateway = 5;     // RTA_GATEWAY
    public const ushort Priority = 6;    // RTA_PRIORITY (metric)
    public const ushort PreferredSource = 7; // RTA_PREFSRC
    public const ushort Table = 15;      // RTA_TABLE
}

/// <summary>rtm_table values (RT_TABLE_*).</summary>
internal static class RouteTable
{
    public const byte Unspecified = 0; // RT_TABLE_UNSPEC
    public const byte Main = 254;      // RT_TABLE_MAIN
}

/// <summary>rtm_protocol (RTPROT_*): who installed the route.</summary>
internal enum RouteProtocol : byte
{
    Unspecified = 0, // RTPROT_UNSPEC
    Redirect = 1,    // RTPROT_REDIRECT
    Kernel = 2,      // RTPROT_KERNEL
    Boot = 3,        // RTPROT_BOOT
    Static = 4,      // RTPROT_STATIC
}

/// <summary>rtm_scope / ifa_scope (RT_SCOPE_*); other values are site-defined.</summary>
internal enum RouteScope : byte
{
    Universe = 0,    // RT_SCOPE_UNIVERSE
    Site = 200,      // RT_SCOPE_SITE
    Link = 253,      // RT_SCOPE_LINK
    Host = 254,      // RT_SCOPE_HOST
    Nowhere = 255,   // RT_SCOPE_NOWHERE
}

/// <summary>rtm_type (RTN_*).</summary>
internal enum RouteType : byte
{
    Unspecified = 0, // RTN_UNSPEC
    Unicast = 1,     // RTN_UNICAST
    Local = 2,       // RTN_LOCAL
    Broadcast = 3,   // RTN_BROADCAST
    Anycast = 4,     // RTN_ANYCAST
    Multicast = 5,   // RTN_MULTICAST
    Blackhole = 6,   // RTN_BLACKHOLE
    Unreachable = 7, // RTN_UNREACHABLE
    Prohibit = 8,    // RTN_PROHIBIT
}

internal static class Ipv4Sizes
{
    public const int Address = 4;
}
