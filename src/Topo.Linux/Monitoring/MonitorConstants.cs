namespace Topo.Linux.Monitoring;

// Values from include/uapi/linux/netlink.h, rtnetlink.h, net_namespace.h, netfilter/nfnetlink.h
// and netfilter/nf_tables.h (checked against the machine's /usr/include/linux; the DESTROY* and
// reset message types are newer than Debian 12's headers, taken from the kernel's uapi header).

/// <summary>Netlink socket families and options (NETLINK_*), level SOL_NETLINK.</summary>
internal static class NetlinkSocketOption
{
    public const int NetfilterProtocol = 12;   // NETLINK_NETFILTER
    public const int SolNetlink = 270;         // SOL_NETLINK
    public const int AddMembership = 1;        // NETLINK_ADD_MEMBERSHIP
    /// <summary>Also the cmsg type (level SOL_NETLINK) carrying the source nsid as an int.</summary>
    public const int ListenAllNsid = 8;        // NETLINK_LISTEN_ALL_NSID
}

/// <summary>rtnetlink multicast groups (enum rtnetlink_groups).</summary>
internal static class RouteNetlinkGroup
{
    public const int Link = 1;          // RTNLGRP_LINK
    public const int Ipv4Address = 5;   // RTNLGRP_IPV4_IFADDR
    public const int Ipv4Route = 7;     // RTNLGRP_IPV4_ROUTE
    public const int Ipv6Address = 9;   // RTNLGRP_IPV6_IFADDR
    public const int Ipv6Route = 11;    // RTNLGRP_IPV6_ROUTE
}

/// <summary>nfnetlink multicast groups (enum nfnetlink_groups).</summary>
internal static class NetfilterGroup
{
    public const int Nftables = 7;      // NFNLGRP_NFTABLES
}

/// <summary>Namespace-id messages (RTM_*NSID) and their attributes (NETNSA_*).</summary>
internal static class NsidMessage
{
    public const ushort New = 88;       // RTM_NEWNSID
    public const ushort Get = 90;       // RTM_GETNSID

    /// <summary>sizeof(struct rtgenmsg), aligned: one family byte and padding.</summary>
    public const int HeaderSize = 1;

    public const ushort AttributeNsid = 1;  // NETNSA_NSID (s32)
    public const ushort AttributeFd = 3;    // NETNSA_FD (u32)

    /// <summary>NETNSA_NSID_NOT_ASSIGNED: in a reply, "no id"; in RTM_NEWNSID, "pick one" (ip netns set NAME auto).</summary>
    public const int NotAssigned = -1;
}

/// <summary>nfnetlink framing: message type = subsystem &lt;&lt; 8 | message.</summary>
internal static class Nfnetlink
{
    public const int SubsystemNftables = 10; // NFNL_SUBSYS_NFTABLES
    /// <summary>sizeof(struct nfgenmsg).</summary>
    public const int HeaderSize = 4;
    /// <summary>NFTA_TABLE_NAME, NFTA_CHAIN_TABLE, NFTA_RULE_TABLE, NFTA_SET_TABLE, NFTA_SET_ELEM_LIST_TABLE,
    /// NFTA_OBJ_TABLE, NFTA_FLOWTABLE_TABLE: every object message names its table in attribute 1.</summary>
    public const ushort AttributeTable = 1;
}

/// <summary>enum nf_tables_msg_types (the ones a notification can carry, plus those we skip).</summary>
internal static class NftMessage
{
    public const int NewTable = 0;       // NFT_MSG_NEWTABLE
    public const int DelTable = 2;       // NFT_MSG_DELTABLE
    public const int NewChain = 3;       // NFT_MSG_NEWCHAIN
    public const int DelChain = 5;       // NFT_MSG_DELCHAIN
    public const int NewRule = 6;        // NFT_MSG_NEWRULE
    public const int DelRule = 8;        // NFT_MSG_DELRULE
    public const int NewSet = 9;         // NFT_MSG_NEWSET
    public const int DelSet = 11;        // NFT_MSG_DELSET
    public const int NewSetElement = 12; // NFT_MSG_NEWSETELEM
    public const int DelSetElement = 14; // NFT_MSG_DELSETELEM
    public const int NewGeneration = 15; // NFT_MSG_NEWGEN: a transaction committed; names no table
    public const int Trace = 17;         // NFT_MSG_TRACE
    public const int NewObject = 18;     // NFT_MSG_NEWOBJ
    public const int DelObject = 20;     // NFT_MSG_DELOBJ
    public const int NewFlowtable = 22;  // NFT_MSG_NEWFLOWTABLE
    public const int DelFlowtable = 24;  // NFT_MSG_DELFLOWTABLE
    public const int DestroyTable = 26;  // NFT_MSG_DESTROYTABLE
    public const int DestroyFlowtable = 32; // NFT_MSG_DESTROYFLOWTABLE (DESTROYCHAIN..DESTROYOBJ are 27..31)
}
