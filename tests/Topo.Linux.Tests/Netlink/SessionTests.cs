using Topo.Core.Addressing;
using Topo.Linux.Netlink;
using Topo.Linux.Netlink.LinkKinds;
using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.Messages;
using Topo.Linux.Netlink.Transport;
using SandboxHost = Topo.Linux.Tests.Sandbox.Sandbox;

namespace Topo.Linux.Tests.Netlink;

/// <summary>The rtnetlink operations against a real kernel, inside a sandbox, checked with iproute2.</summary>
public sealed class SessionTests
{
    [Fact]
    public void Creates_configures_moves_and_deletes_links()
    {
        SandboxHost.SkipUnlessRoot();
        using var sandbox = SandboxHost.Create();
        using var ns = sandbox.Store.Create("c1");
        using var session = new RouteNetlinkSession(sandbox.Thread.OpenSocket(sandbox.Host));

        session.CreateLink(BridgeDriver.Request("br0", new LinkOptions(Up: true)), "create br0");
        session.ChangeLink(new LinkMessage { Name = "br0", Alias = "topo:demo:network:n", Mtu = 1400 }, "configure br0");
        var br0 = session.GetLink("br0")!;
        session.CreateLink(VethDriver.Request("ve0", new LinkOptions(MasterIndex: br0.Index, Mac: MacAddress.Parse("02:00:00:00:00:01")),
            "eth0", new LinkOptions(NamespaceFd: ns.Fd, Mtu: 1300, Mac: MacAddress.Parse("02:00:00:00:00:02"))), "create veth");
        session.CreateLink(VethDriver.Request("ve1", default, "ve1p", default), "create veth 2");
        session.MoveLink("ve1p", ns.Fd, "move ve1p");
        var ve0 = session.GetLink("ve0")!;
        session.SetBridgePort(ve0.Index, isolated: true, hairpin: true, "port flags");
        session.AddAddress(br0.Index, Ipv4Prefix.Parse("10.3.0.1/24"), "address");
        session.AddRoute(new RouteMessage { DestinationLength = 16, Destination = Ipv4Address.Parse("10.4.0.0"), Gateway = Ipv4Address.Parse("10.3.0.2"), OutputInterface = br0.Index }, false, "route");

        var bridge = SandboxHost.Link(sandbox.Host, "br0")!.Value;
        Assert.Equal("topo:demo:network:n", bridge.GetProperty("ifalias").GetString());
        Assert.Equal(1400, bridge.GetProperty("mtu").GetInt32());
        var port = SandboxHost.Link(sandbox.Host, "ve0")!.Value;
        Assert.Equal("br0", port.GetProperty("master").GetString());
        Assert.True(port.GetProperty("linkinfo").GetProperty("info_slave_data").GetProperty("isolated").GetBoolean());
        Assert.True(port.GetProperty("linkinfo").GetProperty("info_slave_data").GetProperty("hairpin").GetBoolean());
        var eth0 = SandboxHost.Link(ns, "eth0")!.Value;
        Assert.Equal(1300, eth0.GetProperty("mtu").GetInt32());
        Assert.Equal("02:00:00:00:00:02", eth0.GetProperty("address").GetString());
        Assert.NotNull(SandboxHost.Link(ns, "ve1p"));
        Assert.Null(SandboxHost.Link(sandbox.Host, "ve1p"));
        Assert.Contains("10.4.0.0/16 via 10.3.0.2 dev br0", SandboxHost.Ip(sandbox.Host, "route show"));

        var links = session.DumpLinks();
        Assert.Contains(links, l => l.Name == "ve0" && (l.SlaveData as BridgePortInfo)?.Isolated == true);
        Assert.Contains(session.DumpAddresses(), a => a.Prefix == Ipv4Prefix.Parse("10.3.0.1/24") && a.Index == br0.Index);
        Assert.Contains(session.DumpRoutes(), r => r.DestinationPrefix == Ipv4Prefix.Parse("10.4.0.0/16") && r.Protocol == RouteProtocol.Boot);

        session.DeleteLink("ve0", "delete ve0");
        Assert.Null(SandboxHost.Link(ns, "eth0")); // the peer went with it
        Assert.Null(session.GetLink("ve0"));
    }

    [Fact]
    public void Extended_ack_message_is_reported()
    {
        SandboxHost.SkipUnlessRoot();
        using var sandbox = SandboxHost.Create();
        using var session = new RouteNetlinkSession(sandbox.Thread.OpenSocket(sandbox.Host));
        var e = Assert.Throws<NetlinkException>(() => session.CreateLink(BridgeDriver.Request("big", new LinkOptions(Mtu: 1_000_000)), "create big"));
        Assert.Equal("create big", e.Operation);
        Assert.Equal(22, e.Errno); // EINVAL
        Assert.Equal("mtu greater than device maximum", e.KernelMessage);
        Assert.NotEqual(0u, e.Sequence);
    }
}
