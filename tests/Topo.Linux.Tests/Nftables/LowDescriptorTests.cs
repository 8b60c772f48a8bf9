using Topo.Linux.Netlink.Transport;
using Topo.Linux.Nftables;

namespace Topo.Linux.Tests.Nftables;

/// <summary>
/// libnftables waits on its socket with select(), and glibc aborts the whole process for an fd of
/// 1024 or more: whatever topo holds open per namespace must leave the low numbers free.
/// </summary>
public sealed class LowDescriptorTests
{
    [Fact]
    public void Libnftables_works_while_a_thousand_namespace_sockets_are_open()
    {
        Sandbox.Sandbox.SkipUnlessRoot();
        using var sandbox = Sandbox.Sandbox.Create();
        var sockets = new List<NetlinkSocket>();
        try
        {
            // What a command observing 1,100 namespaces holds: one rtnetlink socket each.
            for (var i = 0; i < 1100; i++) sockets.Add(NetlinkSocket.Open());
            Assert.All(sockets, s => Assert.True(s.Fd >= FileDescriptors.Floor, $"a namespace socket took fd {s.Fd}"));

            // Before: the context's socket got a number above 1023 and the process was aborted here.
            using var nft = new NftablesClient(sandbox.Thread, sandbox.Host);
            nft.Run("add table ip low");
            Assert.Contains(("ip", "low"), nft.ListTables());
        }
        finally
        {
            foreach (var s in sockets) s.Dispose();
        }
    }
}
