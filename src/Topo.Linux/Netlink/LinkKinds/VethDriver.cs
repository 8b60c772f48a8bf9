using Topo.Core.Model;
using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.Messages;

namespace Topo.Linux.Netlink.LinkKinds;

/// <summary>VETH_INFO_* (include/uapi/linux/veth.h).</summary>
internal static class IflaVeth
{
    public const ushort Peer = 1;      // VETH_INFO_PEER
}

/// <summary>
/// A veth pair. On create, VETH_INFO_PEER carries the peer's own ifinfomsg and attributes (name,
/// mac, mtu, alias, IFLA_NET_NS_FD to create it directly in another namespace).
/// </summary>
internal sealed class VethData(LinkMessage? peer) : LinkKindData
{
    public override string Kind => VethDriver.KindName;

    public LinkMessage? Peer { get; } = peer;

    public override bool HasData => Peer is not null;

    public override void Encode(ref NetlinkWriter writer)
    {
        if (Peer is null) return;
        var nest = writer.BeginNested(IflaVeth.Peer);
        Peer.EncodeBody(ref writer);
        writer.EndNested(nest);
    }
}

internal sealed class VethDriver : LinkKindDriver
{
    public const string KindName = "veth";
    public static readonly VethDriver Instance = new();

    public override string Kind => KindName;
    public override string KernelFeature => "veth support (CONFIG_VETH)";
    public override LinkKind ModelKind => LinkKind.Veth;

    public override LinkKindData Decode(ReadOnlySpan<byte> infoData)
    {
        LinkMessage? peer = null;
        var reader = new AttributeReader(infoData);
        while (reader.MoveNext())
        {
            if (reader.Type == IflaVeth.Peer) peer = LinkMessage.DecodeBody(reader.Value);
        }
        return new VethData(peer);
    }

    /// <summary>A veth pair; the peer can be created directly in another namespace (its options' NamespaceFd).</summary>
    public static LinkMessage Request(string name, LinkOptions options, string peerName, LinkOptions peer) =>
        LinkRequests.NewLink(name, new VethData(LinkRequests.NewLink(peerName, null, peer)), options);

    /// <param name="peer">The other end when the plan creates both (its mtu and mac); else only <c>link.Peer</c> names it.</param>
    public override LinkCreate Create(LinkState link, LinkState? peer, ILinkPlacement placement)
    {
        var peerRef = peer?.Ref ?? link.Peer ?? throw new InvalidOperationException($"veth {link.Key} has no peer");
        var peerOptions = new LinkOptions(
            Mtu: peer?.Mtu,
            Mac: peer?.Mac,
            NamespaceFd: peerRef.Namespace != link.Namespace ? placement.NamespaceFd(peerRef.Namespace) : null);
        var request = NewLink(link, new VethData(LinkRequests.NewLink(peerRef.Name, null, peerOptions)), placement);
        return new LinkCreate(link.Namespace, request);
    }

    public override LinkState Observe(LinkState common, LinkMessage link, ILinkNeighbours neighbours) =>
        common with { Peer = neighbours.Peer(link) };
}
