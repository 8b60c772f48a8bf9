using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.Messages;
using Topo.Linux.Netlink.Transport;
using SandboxHost = Topo.Linux.Tests.Sandbox.Sandbox;

namespace Topo.Linux.Tests.Netlink;

/// <summary>The kernel's own failure replies, provoked in a sandbox: an errno in NLMSG_DONE, an extended ACK with an offset.</summary>
public sealed class KernelReplyTests
{
    [Fact]
    public void A_dump_the_kernel_ends_with_an_errno_in_done_fails()
    {
        SandboxHost.SkipUnlessRoot();
        using var sandbox = SandboxHost.Create();
        using var socket = sandbox.Thread.OpenSocket(sandbox.Host);
        var request = new MessageBuffer();
        var w = new NetlinkWriter(request);
        w.BeginMessage(RtmType.GetLink, NetlinkFlags.Request | NetlinkFlags.Dump, 0);
        // ifi_change is not a filter: with strict checking the dump callback refuses it, and the
        // kernel reports that as the errno of NLMSG_DONE, not as an NLMSG_ERROR.
        w.FixedHeader(RtnlHeaderSize.IfInfo)[12] = 1;
        w.EndMessage();

        var e = Assert.Throws<NetlinkException>(() => socket.Dump(request, "dump links", RtmType.NewLink, LinkMessage.DecodeObserved));
        Assert.Equal(22, e.Errno); // EINVAL
        Assert.Equal("dump links", e.Operation);
    }

    [Fact]
    public void A_namespace_without_a_main_table_has_no_routes_not_an_error()
    {
        SandboxHost.SkipUnlessRoot();
        using var sandbox = SandboxHost.Create();
        using var fresh = sandbox.Store.Create("fresh"); // lo down, never a route: the kernel has no main table here
        using var session = new Topo.Linux.Netlink.RouteNetlinkSession(sandbox.Thread.OpenSocket(fresh));
        Assert.Empty(session.DumpRoutes());
    }

    [Fact]
    public void An_attribute_the_kernel_refuses_is_named()
    {
        SandboxHost.SkipUnlessRoot();
        using var sandbox = SandboxHost.Create();
        using var socket = sandbox.Thread.OpenSocket(sandbox.Host);
        var request = new MessageBuffer();
        var w = new NetlinkWriter(request);
        w.BeginMessage(RtmType.NewLink, NetlinkFlags.Request | NetlinkFlags.Ack | NetlinkFlags.Create | NetlinkFlags.Excl, socket.NextSequence());
        w.FixedHeader(RtnlHeaderSize.IfInfo);
        w.WriteString(Ifla.IfName, "bad0");
        w.WriteBytes(Ifla.Mtu, [0xdc, 0x05]); // a u32 sent as 2 bytes: fails the kernel's policy
        var info = w.BeginNested(Ifla.LinkInfo);
        w.WriteString(IflaInfo.Kind, "bridge");
        w.EndNested(info);
        w.EndMessage();

        var e = Assert.Throws<NetlinkException>(() => socket.Execute(request, ["create bad0"]));
        Assert.Equal(34, e.Errno); // ERANGE: "Attribute failed policy validation"
        Assert.StartsWith("IFLA_MTU (byte ", e.Attribute);
        Assert.Contains("kernel points at IFLA_MTU", e.Message);
        Assert.Null(SandboxHost.Link(sandbox.Host, "bad0"));
    }
}
