using Topo.Core.Addressing;

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
    public const ushort Proto = 11;    // IFA_PROTO (Linux 6.1)
}

/// <summary>ifa_flags / IFA_FLAGS (IFA_F_*).</summary>
[Flags]
internal enum AddressFlags : uint
{
    None = 0,
    NoDad = 0x02,         // IFA_F_NODAD: usable at once, no duplicate-address detection
    Tentative = 0x40,     // IFA_F_TENTATIVE: DAD still running, the address cannot be used yet
    Permanent = 0x80,     // IFA_F_PERMANENT
    NoPrefixRoute = 0x200, // IFA_F_NOPREFIXROUTE
}

/// <summary>IFA_PROTO (IFAPROT_*): who made an address; absent for one a user added.</summary>
internal enum AddressProtocol : byte
{
    Unspecified = 0,     // IFAPROT_UNSPEC
    KernelLoopback = 1,  // IFAPROT_KERNEL_LO: ::1
    KernelRa = 2,        // IFAPROT_KERNEL_RA: from a router advertisement
    KernelLinkLocal = 3, // IFAPROT_KERNEL_LL: fe80:: made when IPv6 comes up
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

/// <summary>IPv6 route metrics (include/uapi/linux/ipv6_route.h).</summary>
internal static class Ipv6RoutePriority
{
    /// <summary>IP6_RT_PRIO_USER: what the kernel gives an IPv6 route sent without RTA_PRIORITY (IPv4 keeps 0).</summary>
    public const uint User = 1024;
}

/// <summary>rtm_protocol (RTPROT_*): who installed the route.</summary>
internal enum RouteProtocol : byte
{
    Unspecified = 0, // RTPROT_UNSPEC
    Redirect = 1,    // RTPROT_REDIRECT
    Kernel = 2,      // RTPROT_KERNEL
    Boot = 3,        // RTPROT_BOOT
    Static = 4,      // RTPROT_STATIC
    Ra = 9,          // RTPROT_RA: learnt from a router advertisement
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

/// <summary>Addresses in IFA_*/RTA_* attributes: 4 bytes for AF_INET, 16 for AF_INET6, network order.</summary>
internal static class IpSizes
{
    public const int Ipv6 = 16;

    /// <summary>The address size of <paramref name="family"/>; 0 for a family without one topo reads.</summary>
    public static int Of(byte family) => family switch
    {
        AddressFamily.Inet => Ipv4Sizes.Address,
        AddressFamily.Inet6 => Ipv6,
        _ => 0,
    };

    public static IpAddress Read(ReadOnlySpan<byte> bytes) =>
        bytes.Length == Ipv6 ? Ipv6Address.FromBytes(bytes) : Ipv4Address.FromBytes(bytes);

    /// <summary>Writes <paramref name="address"/> into <paramref name="buffer"/> (16 bytes); the part written.</summary>
    public static ReadOnlySpan<byte> Write(IpAddress address, Span<byte> buffer)
    {
        if (address.IsV6)
        {
            address.V6.WriteBytes(buffer);
            return buffer[..Ipv6];
        }
        address.V4.WriteBytes(buffer);
        return buffer[..Ipv4Sizes.Address];
    }
}
