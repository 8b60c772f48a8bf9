using Topo.Linux.Namespaces;
using Topo.Linux.Netlink.Transport;

namespace Topo.Linux.Tests.Namespaces;

/// <summary>A failed system call that is not a netlink request is a <see cref="SyscallException"/>, never a <see cref="NetlinkException"/>.</summary>
public sealed class SyscallErrorTests
{
    [Fact]
    public void A_failed_setns_is_a_syscall_error_naming_the_call()
    {
        // A UTS namespace handle: nsfs like a network one, so it opens, but setns(CLONE_NEWNET) refuses it (EINVAL).
        using var uts = NetNamespace.Open("/proc/self/ns/uts");
        Exception? caught = null;
        var thread = new Thread(() =>
        {
            try { uts.Enter(); }
            catch (Exception e) { caught = e; }
        });
        thread.Start();
        thread.Join();

        var e = Assert.IsType<SyscallException>(caught);
        Assert.Equal("setns(/proc/self/ns/uts)", e.Call);
        Assert.Equal(22, e.Errno);
        Assert.Contains("system call failed", e.Message);
        Assert.Equal(Topo.Core.Errors.ErrorCategory.Host, e.Category);
    }

    [Fact]
    public void A_failed_call_on_a_netlink_socket_itself_is_a_syscall_error_too()
    {
        // No netlink family has number 32 (MAX_LINKS): socket() refuses it before any request is sent.
        var e = Assert.IsType<SyscallException>(Record.Exception(() => NetlinkSocket.Open(protocol: 32)));
        Assert.Equal("socket(AF_NETLINK)", e.Call);
        Assert.Equal(93, e.Errno); // EPROTONOSUPPORT
    }
}
