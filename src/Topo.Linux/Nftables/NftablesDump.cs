using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.Messages;

namespace Topo.Linux.Nftables;

/// <summary>
/// What our own nf_tables dumps share (<see cref="NftablesTableList"/>, <see cref="NftablesChainList"/>):
/// the message type of an NFT_MSG_*, the dump request for every family, and the nfgenmsg header
/// in front of each answer's attributes.
/// </summary>
internal static class NftablesDump
{
    // include/uapi/linux/netfilter/nfnetlink.h and nf_tables.h
    private const int SubsystemNftables = 10; // NFNL_SUBSYS_NFTABLES
    private const int NfgenHeaderSize = 4;    // struct nfgenmsg: family, version, res_id
    private const byte NfnetlinkVersion = 0;  // NFNETLINK_V0

    /// <summary>The netlink message type of nf_tables message <paramref name="message"/> (NFT_MSG_*).</summary>
    public static ushort Type(ushort message) => (ushort)(SubsystemNftables << 8 | message);

    /// <summary>A dump request of <paramref name="type"/> for every family (NFPROTO_UNSPEC), no attributes.</summary>
    public static MessageBuffer Request(ushort type)
    {
        var buffer = new MessageBuffer(64);
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(type, NetlinkFlags.Request | NetlinkFlags.Dump, 0);
        var header = w.FixedHeader(NfgenHeaderSize);
        header[1] = NfnetlinkVersion;
        w.EndMessage();
        return buffer;
    }

    /// <summary>The family keyword of an answer (null: one nft has no name for); <paramref name="attributes"/> follow the nfgenmsg header.</summary>
    public static string? Family(ReadOnlySpan<byte> payload, string what, out ReadOnlySpan<byte> attributes)
    {
        if (payload.Length < NfgenHeaderSize) throw new NetlinkParseException($"nftables {what} message shorter than its nfgenmsg header");
        attributes = payload[NfgenHeaderSize..];
        return FamilyName(payload[0]);
    }

    /// <summary>The NFPROTO_* value of an nft family keyword (the inverse of <see cref="FamilyName"/>).</summary>
    public static byte FamilyNumber(string family) => family switch
    {
        "inet" => 1,
        "ip" => 2,
        "arp" => 3,
        "netdev" => 5,
        "bridge" => 7,
        "ip6" => 10,
        _ => throw new ArgumentException($"no nftables family {family}", nameof(family)),
    };

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
