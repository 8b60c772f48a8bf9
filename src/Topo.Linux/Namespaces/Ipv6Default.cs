using Microsoft.Win32.SafeHandles;

namespace Topo.Linux.Namespaces;

/// <summary>
/// Turns IPv6 off for every interface that later arrives in the calling thread's namespace
/// (<c>net.ipv6.conf.default.disable_ipv6=1</c>): topo's networks are IPv4 only. As Docker does
/// for endpoints of networks without IPv6 (moby GHSA-x84c-p2g9-rqv9), a container interface then
/// has no link-local address, joins no IPv6 multicast group and answers no router advertisement.
/// It also spares the kernel a storm: each new interface's duplicate-address probe, router
/// solicitations and MLD reports are flooded by the bridge to every other port, which on a
/// bridge with 500 containers is ~10^6 packet copies, processed under the lock every netlink
/// dump takes. The namespace's own <c>lo</c> (made with the namespace) keeps ::1.
/// </summary>
internal static class Ipv6Default
{
    private const string Path = "/proc/sys/net/ipv6/conf/default/disable_ipv6";

    /// <summary>On a namespace thread, inside the namespace. A kernel without IPv6 has no such file: nothing to turn off.</summary>
    /// <remarks>
    /// One path walk, no existence check first: the kernel keeps every namespace's /proc/sys
    /// entries under the same names and tells them apart one by one, so each walk gets slower
    /// with every namespace on the host (two walks were 20% of creating 500 containers).
    /// </remarks>
    public static void DisableInCurrentNamespace()
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(Path, FileMode.Open, FileAccess.Write);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return;
        }
        using (handle) RandomAccess.Write(handle, "1\n"u8, 0);
    }
}
