namespace Topo.Linux.Netlink.Constants;

// Values from include/uapi/linux/netlink.h (checked against the machine's /usr/include/linux/netlink.h).

/// <summary>nlmsghdr.nlmsg_flags (NLM_F_*).</summary>
[Flags]
internal enum NetlinkFlags : ushort
{
    None = 0,
    Request = 0x01,      // NLM_F_REQUEST
    Multi = 0x02,        // NLM_F_MULTI
    Ack = 0x04,          // NLM_F_ACK
    Echo = 0x08,         // NLM_F_ECHO
    DumpInterrupted = 0x10, // NLM_F_DUMP_INTR
    DumpFiltered = 0x20, // NLM_F_DUMP_FILTERED

    // Modifiers to GET requests
    Root = 0x100,        // NLM_F_ROOT
    Match = 0x200,       // NLM_F_MATCH
    Dump = Root | Match, // NLM_F_DUMP

    // Modifiers to NEW requests
    Replace = 0x100,     // NLM_F_REPLACE
    Excl = 0x200,        // NLM_F_EXCL
    Create = 0x400,      // NLM_F_CREATE
    Append = 0x800,      // NLM_F_APPEND

    // Flags of an NLMSG_ERROR acknowledgement
    Capped = 0x100,      // NLM_F_CAPPED
    AckTlvs = 0x200,     // NLM_F_ACK_TLVS
}

/// <summary>Control message types (NLMSG_*).</summary>
internal static class NetlinkMessageType
{
    public const ushort Noop = 1;    // NLMSG_NOOP
    public const ushort Error = 2;   // NLMSG_ERROR
    public const ushort Done = 3;    // NLMSG_DONE
    public const ushort Overrun = 4; // NLMSG_OVERRUN
}

internal static class NetlinkProtocol
{
    public const int Route = 0;             // NETLINK_ROUTE
    public const int Netfilter = 12;        // NETLINK_NETFILTER
    public const int CapAck = 10;           // NETLINK_CAP_ACK
    public const int ExtendedAck = 11;      // NETLINK_EXT_ACK
    public const int GetStrictCheck = 12;   // NETLINK_GET_STRICT_CHK

    /// <summary>NLMSG_ALIGNTO and NLA_ALIGNTO.</summary>
    public const int Alignment = 4;
    /// <summary>sizeof(struct nlmsghdr).</summary>
    public const int HeaderSize = 16;
    /// <summary>sizeof(struct nlattr).</summary>
    public const int AttributeHeaderSize = 4;
    /// <summary>NLA_F_NESTED.</summary>
    public const ushort AttributeNested = 0x8000;
    /// <summary>NLA_F_NET_BYTEORDER.</summary>
    public const ushort AttributeNetByteOrder = 0x4000;
    /// <summary>NLA_TYPE_MASK.</summary>
    public const ushort AttributeTypeMask = unchecked((ushort)~(AttributeNested | AttributeNetByteOrder));
    /// <summary>sizeof(struct sockaddr_nl).</summary>
    public const int SockaddrSize = 12;

    public static int Align(int length) => (length + Alignment - 1) & ~(Alignment - 1);
}

/// <summary>Extended-ACK attributes of an NLMSG_ERROR (NLMSGERR_ATTR_*).</summary>
internal static class NetlinkErrorAttribute
{
    public const ushort Message = 1;  // NLMSGERR_ATTR_MSG
    public const ushort Offset = 2;   // NLMSGERR_ATTR_OFFS
    public const ushort Cookie = 3;   // NLMSGERR_ATTR_COOKIE
    public const ushort Policy = 4;   // NLMSGERR_ATTR_POLICY
    public const ushort MissingType = 5; // NLMSGERR_ATTR_MISS_TYPE
    public const ushort MissingNest = 6; // NLMSGERR_ATTR_MISS_NEST
}
