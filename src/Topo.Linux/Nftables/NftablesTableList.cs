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
    private const ushort MessageNewTable = 0;    // NFT_MSG_NEWTABLE (what a dump answers with)
    private const ushort MessageGetTable = 1;    // NFT_MSG_GETTABLE
    private const ushort TableNameAttribute = 1; // NFTA_TABLE_NAME

    /// <summary>Lists every table of the calling thread's network namespace.</summary>
    public static IReadOnlyList<(string Family, string Name)> ListHere()
    {
        using var socket = NetlinkSocket.Open(NetlinkProtocol.Netfilter);
        return [.. socket.Dump(Request(), "list nftables tables", NftablesDump.Type(MessageNewTable), Decode).Select(t => (t.Family, t.Name))];
    }

    /// <summary>The dump request: every family (NFPROTO_UNSPEC), no attributes.</summary>
    internal static MessageBuffer Request() => NftablesDump.Request(NftablesDump.Type(MessageGetTable));

    /// <summary>One NFT_MSG_NEWTABLE: its family from the nfgenmsg header, its name from NFTA_TABLE_NAME.</summary>
    internal static TableName? Decode(ReadOnlySpan<byte> payload)
    {
        if (NftablesDump.Family(payload, "table", out var attributes) is not { } family) return null; // a family nft has no name for
        var reader = new AttributeReader(attributes);
        while (reader.MoveNext())
        {
            if (reader.Type == TableNameAttribute) return new TableName(family, reader.String());
        }
        return null;
    }

    internal sealed record TableName(string Family, string Name);
}
