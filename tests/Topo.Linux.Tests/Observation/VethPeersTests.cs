using Topo.Core.Model;
using Topo.Linux.Netlink.LinkKinds;
using Topo.Linux.Netlink.Messages;
using Topo.Linux.Observation;

namespace Topo.Linux.Tests.Observation;

/// <summary>Finding a veth's other end across namespaces, where interface indexes repeat.</summary>
public sealed class VethPeersTests
{
    private static LinkMessage Veth(string name, int index, int link) =>
        new() { Name = name, Index = index, Link = link, LinkNetNsId = 0, KindData = new VethData(null) };

    private static NamespaceSnapshot Snapshot(string name, params LinkMessage[] links) => new(name, [.. links], [], []);

    [Fact]
    public void An_index_pair_held_in_two_namespaces_gives_the_end_outside_the_asking_one()
    {
        // Indexes are per namespace: the host's end 7 (peer index 3) and x's end 7 (peer index 3)
        // share a key. Asked from the host, the peer is x's; asked from y, the host's (searched first).
        var host = Snapshot(HostState.Host, Veth("h7", 7, 3));
        var x = Snapshot("x", Veth("x7", 7, 3));
        var y = Snapshot("y", Veth("y3", 3, 7));
        var peers = new VethPeers(host, [x, y]);

        Assert.Equal(new LinkRef("x", "x7"), peers.Find(Veth("h3", 3, 7), 7, host));
        Assert.Equal(new LinkRef(HostState.Host, "h7"), peers.Find(y.Links[0], 7, y));
        Assert.Equal(new LinkRef(HostState.Host, "h7"), peers.Find(y.Links[0], 7, x));
        Assert.Null(peers.Find(Veth("z", 9, 9), 9, y));
    }
}
