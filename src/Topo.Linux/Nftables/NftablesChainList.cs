using System.Buffers.Binary;
using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.Messages;
using Topo.Linux.Netlink.Transport;

namespace Topo.Linux.Nftables;

/// <summary>
/// Every chain of the namespace with its hook, from one NFT_MSG_GETCHAIN dump on our own netlink
/// socket: chain headers only (no rules, no sets). It says which foreign tables have a base chain
/// on a hook topo's traffic passes — the only ones then listed whole
/// (<see cref="Observation.FirewallObserver"/>); on a host without any, reading other firewalls
/// costs this one dump.
/// </summary>
internal static class NftablesChainList
{
    // include/uapi/linux/netfilter/nf_tables.h
    private const ushort MessageNewChain = 3;    // NFT_MSG_NEWCHAIN (what a dump answers with)
    private const ushort MessageGetChain = 4;    // NFT_MSG_GETCHAIN
    private const ushort ChainTable = 1;         // NFTA_CHAIN_TABLE
    private const ushort ChainName = 3;          // NFTA_CHAIN_NAME
    private const ushort ChainHook = 4;          // NFTA_CHAIN_HOOK (nested)
    private const ushort HookNumber = 1;         // NFTA_HOOK_HOOKNUM, u32 big endian

    /// <summary>
    /// NF_INET_PRE_ROUTING (0) to NF_INET_POST_ROUTING (4): prerouting, input, forward, output,
    /// postrouting in families ip and inet, and the same numbers (NF_BR_*) in family bridge.
    /// Above: inet's ingress, per device, before all of them (not read).
    /// </summary>
    public const uint LastPacketPathHook = 4;

    /// <summary>A chain: its family, table and name, and its hook number (null: a regular chain).</summary>
    internal sealed record Chain(string Family, string Table, string Name, uint? Hook);

    /// <summary>Lists every chain of the calling thread's network namespace.</summary>
    public static List<Chain> ListHere()
    {
        using var socket = NetlinkSocket.Open(NetlinkProtocol.Netfilter);
        return socket.Dump(Request(), "list nftables chains", NftablesDump.Type(MessageNewChain), Decode);
    }

    internal static MessageBuffer Request() => NftablesDump.Request(NftablesDump.Type(MessageGetChain));

    internal static Chain? Decode(ReadOnlySpan<byte> payload)
    {
        if (NftablesDump.Family(payload, "chain", out var attributes) is not { } family) return null;
        string? table = null, name = null;
        uint? hook = null;
        var reader = new AttributeReader(attributes);
        while (reader.MoveNext())
        {
            switch (reader.Type)
            {
                case ChainTable: table = reader.String(); break;
                case ChainName: name = reader.String(); break;
                case ChainHook:
                    var nested = new AttributeReader(reader.Value);
                    while (nested.MoveNext())
                    {
                        if (nested.Type == HookNumber && nested.Value.Length == sizeof(uint)) hook = BinaryPrimitives.ReadUInt32BigEndian(nested.Value);
                    }
                    break;
            }
        }
        return table is null || name is null ? null : new Chain(family, table, name, hook);
    }
}
