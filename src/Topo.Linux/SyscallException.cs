using System.Runtime.InteropServices;
using Topo.Core.Errors;

namespace Topo.Linux;

/// <summary>
/// A system call other than a netlink request failed (mount, umount, setns, unshare, poll,
/// eventfd…): which call on what, and its errno. Kept apart from <see cref="Netlink.Transport.NetlinkException"/>
/// (mdlayher/netlink: os.SyscallError beside OpError) so a reader never looks for a netlink
/// message that was not sent. The calls on a netlink socket itself (socket, bind, sendmsg,
/// recvmsg, setsockopt) are system calls too: the kernel's reply to a request is what
/// NetlinkException is for.
/// </summary>
public sealed class SyscallException : TopoException
{
    public SyscallException(string call, int errno)
        : base($"{call}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}, system call failed)")
    {
        Call = call;
        Errno = errno;
    }

    /// <summary>The call and its object, e.g. "setns(/run/netns/web)".</summary>
    public string Call { get; }

    /// <summary>Positive errno value.</summary>
    public int Errno { get; }

    /// <summary>EPERM or EACCES: not root (the CLI adds how to go on without the host); else the host's.</summary>
    public override ErrorCategory Category =>
        Errno == Tmds.Linux.LibC.EPERM || Errno == Tmds.Linux.LibC.EACCES ? ErrorCategory.Permission : ErrorCategory.Host;

    /// <summary>Reads errno right after the failed call (nothing in between may touch it).</summary>
    public static SyscallException FromErrno(string call) => new(call, Tmds.Linux.LibC.errno);
}
