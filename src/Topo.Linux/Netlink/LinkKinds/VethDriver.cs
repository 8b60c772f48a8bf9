using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.Messages;

namespace Topo.Linux.Netlink.LinkKinds;

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

internal sealed class VethDriver : ILinkKindDriver
{
    public const string KindName = "veth";
    public static readonly VethDriver Instance = new();

    public string Kind => KindName;
    public string KernelFeature => "veth support (CONFIG_VETH)";
    public Topo.Core.Model.LinkKind ModelKind => Topo.Core.Model.LinkKind.Veth;

    public LinkKindData Decode(ReadOnlySpan<byte> infoData)
    {
        LinkMessage? peer = null;
        var reader = new AttributeReader(infoData);
        while (reader.MoveNext())
        {
            switch (reader.Type)
            {
                case IflaVeth.Peer:
                    peer = LinkMessage.DecodeBody(reader.Value);
                    break;
            }
        }
        return new VethData(peer);
    }

    public LinkKindData Empty() => new VethData(null);
}
