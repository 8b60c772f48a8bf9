using System.Runtime.InteropServices;

namespace Topo.Linux;

/// <summary>
/// A system call other than a netlink request failed (mount, umount, setns, unshare, poll,
/// eventfd…): which call on what, and its errno. Kept apart from <see cref="Netlink.Transport.NetlinkException"/>
/// (mdlayher/netlink: os.SyscallError beside OpError) so a reader never looks for a netlink
/// message that was not sent. An <see cref="IOException"/>, so the applier's step-failure
/// handling (undo, report) covers it as it covers file errors.
/// </summary>
public sealed class SyscallException : IOException
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

    public bool IsPermissionDenied => Errno == Tmds.Linux.LibC.EPERM || Errno == Tmds.Linux.LibC.EACCES;

    /// <summary>Reads errno right after the failed call (nothing in between may touch it).</summary>
    public static SyscallException FromErrno(string call) => new(call, Tmds.Linux.LibC.errno);
}
