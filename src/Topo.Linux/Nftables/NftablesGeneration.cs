using System.Buffers.Binary;
using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.Messages;
using Topo.Linux.Netlink.Transport;

namespace Topo.Linux.Nftables;

/// <summary>
/// Which ruleset a namespace has: its cookie and nftables' generation id, which every committed
/// transaction (anyone's) moves on by one. Two listings under the same stamp read the same ruleset.
/// </summary>
internal readonly record struct NftablesGeneration(ulong NamespaceCookie, uint Id)
{
    // include/uapi/linux/netfilter/nf_tables.h
    private const ushort GetGenType = 10 << 8 | 16; // NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_GETGEN
    private const ushort GenIdAttribute = 1;        // NFTA_GEN_ID (big endian u32)
    private const int NfgenHeaderSize = 4;

    /// <summary>Asks the kernel (NFT_MSG_GETGEN) in the calling thread's network namespace.</summary>
    public static NftablesGeneration ReadHere()
    {
        using var socket = NetlinkSocket.Open(NetlinkProtocol.Netfilter);
        var request = Request(socket.NextSequence());
        return new NftablesGeneration(socket.NamespaceCookie(), Decode(socket.Get(request, "read the nftables generation")));
    }

    internal static MessageBuffer Request(uint sequence)
    {
        var buffer = new MessageBuffer(64);
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(GetGenType, NetlinkFlags.Request, sequence);
        w.FixedHeader(NfgenHeaderSize);
        w.EndMessage();
        return buffer;
    }

    /// <summary>The id of an NFT_MSG_NEWGEN reply.</summary>
    internal static uint Decode(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < NfgenHeaderSize) throw new NetlinkParseException("nftables generation message shorter than its nfgenmsg header");
        var reader = new AttributeReader(payload[NfgenHeaderSize..]);
        while (reader.MoveNext())
        {
            if (reader.Type == GenIdAttribute)
            {
                if (reader.Value.Length != sizeof(uint)) throw new NetlinkParseException($"NFTA_GEN_ID of {reader.Value.Length} bytes");
                return BinaryPrimitives.ReadUInt32BigEndian(reader.Value);
            }
        }
        throw new NetlinkParseException("nftables generation message without NFTA_GEN_ID");
    }
}
