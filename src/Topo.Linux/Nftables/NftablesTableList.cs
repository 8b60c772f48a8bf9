using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.Messages;
using Topo.Linux.Netlink.Transport;

namespace Topo.Linux.Nftables;

/// <summary>
/// The names of the namespace's nftables tables, from one NFT_MSG_GETTABLE dump on our own
/// netlink socket. libnftables' <c>list tables</c> fills its whole cache first — every set
/// with every element — which cost 40–60 ms at 6,000 elements, twice per apply (observe and
/// verify); the dump itself reads table headers only.
/// </summary>
internal static class NftablesTableList
{
    // include/uapi/linux/netfilter/nfnetlink.h and nf_tables.h
    private const int SubsystemNftables = 10;   // NFNL_SUBSYS_NFTABLES
    private const ushort MessageNewTable = 0;   // NFT_MSG_NEWTABLE (what a dump answers with)
    private const ushort MessageGetTable = 1;   // NFT_MSG_GETTABLE
    private const ushort TableNameAttribute = 1; // NFTA_TABLE_NAME
    private const int NfgenHeaderSize = 4;      // struct nfgenmsg: family, version, res_id
    private const byte NfnetlinkVersion = 0;    // NFNETLINK_V0

    public const ushort GetTableType = SubsystemNftables << 8 | MessageGetTable;
    public const ushort NewTableType = SubsystemNftables << 8 | MessageNewTable;

    /// <summary>Lists every table of the calling thread's network namespace.</summary>
    public static IReadOnlyList<(string Family, string Name)> ListHere()
    {
        using var socket = NetlinkSocket.Open(NetlinkProtocol.Netfilter);
        return [.. socket.Dump(Request(), "list nftables tables", NewTableType, Decode).Select(t => (t.Family, t.Name))];
    }

    /// <summary>The dump request: every family (NFPROTO_UNSPEC), no attributes.</summary>
    internal static MessageBuffer Request()
    {
        var buffer = new MessageBuffer(64);
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(GetTableType, NetlinkFlags.Request | NetlinkFlags.Dump, 0);
        var header = w.FixedHeader(NfgenHeaderSize);
        header[1] = NfnetlinkVersion;
        w.EndMessage();
        return buffer;
    }

    /// <summary>One NFT_MSG_NEWTABLE: its family from the nfgenmsg header, its name from NFTA_TABLE_NAME.</summary>
    internal static TableName? Decode(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < NfgenHeaderSize) throw new NetlinkParseException("nftables table message shorter than its nfgenmsg header");
        if (FamilyName(payload[0]) is not { } family) return null; // a family nft has no name for
        var reader = new AttributeReader(payload[NfgenHeaderSize..]);
        while (reader.MoveNext())
        {
            if (reader.Type == TableNameAttribute) return new TableName(family, reader.String());
        }
        return null;
    }

    internal sealed record TableName(string Family, string Name);

    /// <summary>nft's family keywords for the NFPROTO_* values.</summary>
    internal static string? FamilyName(byte family) => family switch
    {
        1 => "inet",    // NFPROTO_INET
        2 => "ip",      // NFPROTO_IPV4
        3 => "arp",     // NFPROTO_ARP
        5 => "netdev",  // NFPROTO_NETDEV
        7 => "bridge",  // NFPROTO_BRIDGE
        10 => "ip6",    // NFPROTO_IPV6
        _ => null,
    };
}
