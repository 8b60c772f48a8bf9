using Topo.Core.Host;
using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.Messages;
using Topo.Linux.Netlink.Transport;

namespace Topo.Linux;

/// <summary>
/// Asks the kernel, before the first change, whether this process may change the host's network
/// at all. Without it an apply got as far as making namespaces (mount needs only CAP_SYS_ADMIN)
/// before its first link failed with EPERM, and then had to undo them. A capability bit is not the
/// answer: root in a user namespace has every bit and still may not touch the host's namespace,
/// which belongs to the initial user namespace. So the probe is a request the kernel checks:
/// RTM_SETLINK of no interface. rtnetlink refuses any non-GET request without CAP_NET_ADMIN over
/// the namespace (EPERM) before it looks at the request; with it, the request fails as one naming
/// no interface (EINVAL/ENODEV). Either way nothing changes.
/// </summary>
public static class Privileges
{
    private const int Eperm = 1;

    /// <summary>Throws <see cref="PermissionDeniedException"/> when the host's network cannot be changed from here.</summary>
    public static void RequireNetworkAdmin()
    {
        using var socket = NetlinkSocket.Open(); // on the calling thread, the command's: in the host namespace, and no setns (which needs CAP_SYS_ADMIN)
        var request = new MessageBuffer(64);
        var writer = new NetlinkWriter(request);
        writer.BeginMessage(RtmType.SetLink, NetlinkFlags.Request | NetlinkFlags.Ack, socket.NextSequence());
        writer.FixedHeader(RtnlHeaderSize.IfInfo); // ifi_index 0 and no IFLA_IFNAME: names no interface
        writer.EndMessage();
        try
        {
            socket.Execute(request, ["probe: may this process change the host's network (no-op RTM_SETLINK)"]);
        }
        catch (NetlinkException e) when (e.Errno == Eperm)
        {
            throw new PermissionDeniedException(
                "this process may not change the host's network: it lacks CAP_NET_ADMIN over the host's network namespace " +
                "(the kernel refused a no-op netlink change with EPERM); nothing was changed", e);
        }
        catch (NetlinkException)
        {
            // Refused for naming no interface: the permission check passed.
        }
    }
}
