using System.Runtime.InteropServices;
using Topo.Core.Errors;

namespace Topo.Linux.Netlink.Transport;

/// <summary>
/// The kernel refused a netlink request: which operation, the errno, the kernel's extended-ACK
/// message and the attribute it pointed at (when it gave them) and the sequence number of the request.
/// Failed system calls that are not netlink requests are <see cref="SyscallException"/>.
/// </summary>
public sealed class NetlinkException : TopoException
{
    public NetlinkException(string operation, int errno, string? kernelMessage, uint sequence, string? attribute = null)
        : base(Format(operation, errno, kernelMessage, attribute))
    {
        Operation = operation;
        Errno = errno;
        KernelMessage = kernelMessage;
        Sequence = sequence;
        Attribute = attribute;
    }

    public string Operation { get; }

    /// <summary>Positive errno value (EEXIST, ENODEV, EOPNOTSUPP…).</summary>
    public int Errno { get; }

    /// <summary>NLMSGERR_ATTR_MSG, e.g. "Unknown device type"; null when the kernel said nothing.</summary>
    public string? KernelMessage { get; }

    public uint Sequence { get; }

    /// <summary>From NLMSGERR_ATTR_OFFS: the attribute of our request the kernel refused, e.g. "IFLA_MTU (byte 32 of the request)".</summary>
    public string? Attribute { get; }

    public bool IsNotSupported => Errno == Tmds.Linux.LibC.EOPNOTSUPP;

    public bool IsNotFound => Errno == Tmds.Linux.LibC.ENODEV || Errno == Tmds.Linux.LibC.ENOENT || Errno == Tmds.Linux.LibC.ESRCH;

    public bool IsExists => Errno == Tmds.Linux.LibC.EEXIST;

    /// <summary>EPERM or EACCES: not root (the CLI adds how to go on without the host); else the host's.</summary>
    public override ErrorCategory Category =>
        Errno == Tmds.Linux.LibC.EPERM || Errno == Tmds.Linux.LibC.EACCES ? ErrorCategory.Permission : ErrorCategory.Host;

    private static string Format(string operation, int errno, string? kernelMessage, string? attribute)
    {
        var text = $"{operation}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
        if (!string.IsNullOrEmpty(kernelMessage)) text = $"{text}: {kernelMessage}";
        return attribute is null ? text : $"{text} [kernel points at {attribute}]";
    }
}
