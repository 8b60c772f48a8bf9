using System.Runtime.InteropServices;
using System.Text;
using static Tmds.Linux.LibC;

namespace Topo.Linux.Namespaces;

/// <summary>
/// Turns IPv6 off for the calling thread's namespace (<c>net.ipv6.conf.all.disable_ipv6=1</c>, which
/// the kernel applies to <c>default</c> and to every interface there, <c>lo</c> too): an interface has IPv6 only while topo gives it an
/// IPv6 address (the applier turns it on just before the first). As Docker does for endpoints of
/// networks without IPv6 (moby GHSA-x84c-p2g9-rqv9), any other container interface then
/// has no link-local address, joins no IPv6 multicast group and answers no router advertisement.
/// It also spares the kernel a storm: each new interface's duplicate-address probe, router
/// solicitations and MLD reports are flooded by the bridge to every other port, which on a
/// bridge with 500 containers is ~10^6 packet copies, processed under the lock every netlink
/// dump takes. The namespace's own <c>lo</c> (made with the namespace) loses ::1 until the first IPv6
/// address: Docker 20.10 leaves a container on an IPv4-only network with all, default and lo at 1 and
/// no ::1 (tests/Topo.Core.Tests/Inventory/fixtures/docker-ipv6-containers.txt).
/// </summary>
internal static unsafe class Ipv6Default
{
    /// <summary>On a namespace thread, inside the namespace. A kernel without IPv6 has no such file: nothing to turn off.</summary>
    /// <remarks>
    /// One path walk, no existence check first: the kernel keeps every namespace's /proc/sys
    /// entries under the same names and tells them apart one by one, so each walk gets slower
    /// with every namespace on the host (two walks were 20% of creating 500 containers).
    /// </remarks>
    public static void DisableInCurrentNamespace()
    {
        var conf = OpenConfDisablingAll();
        if (conf >= 0) close(conf);
    }

    /// <summary>
    /// <see cref="DisableInCurrentNamespace"/>, and the namespace's conf directory kept for turning
    /// IPv6 on later (<see cref="SetDisabled"/>, on a thread inside the same namespace): a namespace
    /// whose interfaces will have IPv6 then walks /proc/sys once, not twice. -1 on a kernel without IPv6.
    /// </summary>
    public static int DisableInCurrentNamespaceKeepingConf()
    {
        var conf = OpenConfDisablingAll();
        return conf < 0 ? conf : FileDescriptors.KeepAboveSelectLimit(conf);
    }

    /// <summary>The conf directory (one walk), <c>all/disable_ipv6=1</c> written through it; -1 on a kernel without IPv6.</summary>
    private static int OpenConfDisablingAll()
    {
        var conf = OpenConfDirectory();
        if (conf < 0) return conf;
        try
        {
            Write(conf, "all", "disable_ipv6", "1\n"u8);
            return conf;
        }
        catch
        {
            close(conf);
            throw;
        }
    }

    /// <summary>
    /// The calling thread's namespace's <c>/proc/sys/net/ipv6/conf</c>, opened once for
    /// <see cref="DisableOn"/>; -1 on a kernel without IPv6. Walking a path from /proc/sys compares
    /// <c>net</c>, <c>ipv6</c> and <c>conf</c> with every namespace's entries of those names (2,000
    /// containers made that 10% of apply); from this directory only the device's name is looked up.
    /// </summary>
    public static int OpenConfDirectory()
    {
        var fd = open("/proc/sys/net/ipv6/conf"u8, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0 && errno != ENOENT) throw new IOException($"open /proc/sys/net/ipv6/conf: {Marshal.GetPInvokeErrorMessage(errno)}");
        return fd;
    }

    /// <summary>
    /// <c>net.ipv6.conf.DEVICE.disable_ipv6=1</c>, through <paramref name="confDirectory"/>
    /// (<see cref="OpenConfDirectory"/>, same namespace as the calling thread): for a host-side
    /// veth before it goes up. A bridge port needs no IPv6, and each one with it adds routes
    /// (ff00::/8 and fe80::/64 per device) to a table the kernel walks whole on link events, which
    /// made the N-th container cost O(N) (2,000 containers: 9.1 s to apply with, 6.5 s without).
    /// </summary>
    public static void DisableOn(int confDirectory, string device) => SetDisabled(confDirectory, device, disabled: true);

    /// <summary>
    /// <c>net.ipv6.conf.DEVICE.disable_ipv6</c>, through <paramref name="confDirectory"/> (as
    /// <see cref="DisableOn"/>). Netlink cannot set it (inet6_set_link_af takes only the token and
    /// addr_gen_mode), so /proc/sys it is, as Docker's setIPv6 does. Turning IPv6 off deletes every
    /// IPv6 address and route of the device; turning it on makes its link-local address.
    /// </summary>
    public static void SetDisabled(int confDirectory, string device, bool disabled)
    {
        if (confDirectory < 0)
        {
            if (disabled) return; // a kernel without IPv6 has it off already
            throw new IOException($"cannot turn IPv6 on for {device}: the kernel has no IPv6 (no /proc/sys/net/ipv6/conf)");
        }
        // An interface whose MTU is below IPv6's 1280 has no IPv6 and no entry here: off already.
        Write(confDirectory, device, "disable_ipv6", disabled ? "1\n"u8 : "0\n"u8, missingIsDone: disabled);
    }

    /// <param name="missingIsDone">A device without the entry (no IPv6) needs nothing written.</param>
    private static void Write(int confDirectory, string device, string leaf, ReadOnlySpan<byte> value, bool missingIsDone = false)
    {
        var path = Encoding.UTF8.GetBytes($"{device}/{leaf}\0");
        int fd;
        fixed (byte* p = path) fd = openat(confDirectory, p, O_WRONLY | O_CLOEXEC);
        if (fd < 0 && missingIsDone && errno == ENOENT) return;
        if (fd < 0) throw new IOException($"open net.ipv6.conf.{device}.{leaf}: {Marshal.GetPInvokeErrorMessage(errno)}");
        try
        {
            fixed (byte* b = value)
                if (write(fd, b, value.Length) < 0) throw new IOException($"write net.ipv6.conf.{device}.{leaf}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
        finally
        {
            close(fd);
        }
    }

    private static int open(ReadOnlySpan<byte> path, int flags)
    {
        Span<byte> z = stackalloc byte[path.Length + 1];
        path.CopyTo(z);
        z[^1] = 0;
        fixed (byte* p = z) return Tmds.Linux.LibC.open(p, flags, 0);
    }
}
