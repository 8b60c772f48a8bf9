using System.Runtime.InteropServices;

namespace Topo.Linux.Netlink.Transport;

/// <summary>
/// The kernel refused a netlink request: which operation, the errno, the kernel's extended-ACK
/// message (when it gave one) and the sequence number of the request.
/// </summary>
public sealed class NetlinkException : Exception
{
    public NetlinkException(string operation, int errno, string? kernelMessage, uint sequence)
        : base(Format(operation, errno, kernelMessage))
    {
        Operation = operation;
        Errno = errno;
        KernelMessage = kernelMessage;
        Sequence = sequence;
    }

    public string Operation { get; }

    /// <summary>Positive errno value (EEXIST, ENODEV, EOPNOTSUPP…).</summary>
    public int Errno { get; }

    /// <summary>NLMSGERR_ATTR_MSG, e.g. "Unknown device type"; null when the kernel said nothing.</summary>
    public string? KernelMessage { get; }

    public uint Sequence { get; }

    public bool IsNotSupported => Errno == Tmds.Linux.LibC.EOPNOTSUPP;

    public bool IsNotFound => Errno == Tmds.Linux.LibC.ENODEV || Errno == Tmds.Linux.LibC.ENOENT || Errno == Tmds.Linux.LibC.ESRCH;

    public bool IsExists => Errno == Tmds.Linux.LibC.EEXIST;

    private static string Format(string operation, int errno, string? kernelMessage)
    {
        var text = $"{operation}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
        return string.IsNullOrEmpty(kernelMessage) ? text : $"{text}: {kernelMessage}";
    }
}
