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
    private const ushort HookDevice = 3;         // NFTA_HOOK_DEV: the one device of a netdev-style hook
    private const ushort HookDevices = 4;        // NFTA_HOOK_DEVS (nested): every device
    private const ushort DeviceName = 1;         // NFTA_DEVICE_NAME
    private const ushort DevicePrefix = 2;       // NFTA_DEVICE_PREFIX (6.17+): a name prefix, "eth*" as nft writes it

    /// <summary>
    /// NF_INET_PRE_ROUTING (0) to NF_INET_POST_ROUTING (4): prerouting, input, forward, output,
    /// postrouting in families ip and inet, and the same numbers (NF_BR_*) in family bridge.
    /// Above: inet's ingress (<see cref="InetIngressHook"/>).
    /// </summary>
    public const uint LastPacketPathHook = 4;

    /// <summary>NF_INET_INGRESS: family inet's per-device hook, with the netdev family's.</summary>
    public const uint InetIngressHook = 5;

    /// <summary>NF_NETDEV_INGRESS: the netdev family's hook 0 (its 1 is egress).</summary>
    public const uint NetdevIngressHook = 0;

    /// <summary>A chain: its family, table and name, and its hook number (null: a regular chain).</summary>
    /// <param name="Devices">The devices an ingress chain is bound to ("eth*" for a prefix); empty for other hooks.</param>
    internal sealed record Chain(string Family, string Table, string Name, uint? Hook, IReadOnlyList<string> Devices)
    {
        /// <summary>Before prerouting, on the devices it names: netdev's ingress, or inet's.</summary>
        public bool IsIngress => Hook is { } h && ((Family == "netdev" && h == NetdevIngressHook) || (Family == "inet" && h == InetIngressHook));
    }

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
        var devices = new List<string>();
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
                        else if (nested.Type == HookDevice) Add(devices, nested.String());
                        else if (nested.Type == HookDevices) ReadDevices(nested.Value, devices);
                    }
                    break;
            }
        }
        return table is null || name is null ? null : new Chain(family, table, name, hook, devices);
    }

    /// <summary>The kernel sends a lone device twice (in NFTA_HOOK_DEVS and as NFTA_HOOK_DEV): each name once.</summary>
    private static void ReadDevices(ReadOnlySpan<byte> nest, List<string> devices)
    {
        var reader = new AttributeReader(nest);
        while (reader.MoveNext())
        {
            if (reader.Type == DeviceName) Add(devices, reader.String());
            else if (reader.Type == DevicePrefix) Add(devices, reader.String() + "*");
        }
    }

    private static void Add(List<string> devices, string name)
    {
        if (!devices.Contains(name)) devices.Add(name);
    }
}
