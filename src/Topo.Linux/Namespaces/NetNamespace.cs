using System.Runtime.InteropServices;
using System.Text;
using Tmds.Linux;
using Topo.Linux.Netlink.Transport;
using static Tmds.Linux.LibC;

namespace Topo.Linux.Namespaces;

/// <summary>
/// An open network namespace: a handle over an nsfs file descriptor. The namespace lives as long
/// as the handle (or a bind mount of it) does.
/// </summary>
public sealed unsafe class NetNamespace : SafeHandle
{
    private NetNamespace(int fd, string origin) : base(new IntPtr(-1), ownsHandle: true)
    {
        SetHandle(new IntPtr(fd));
        Origin = origin;
        stat st;
        Inode = fstat(fd, &st) == 0 ? (ulong)st.st_ino : 0;
        Device = fstat(fd, &st) == 0 ? (ulong)st.st_dev : 0;
    }

    /// <summary>Where the handle was opened from (an nsfs path).</summary>
    public string Origin { get; }

    /// <summary>nsfs inode: two handles with the same inode (and device) are the same namespace.</summary>
    public ulong Inode { get; }

    public ulong Device { get; }

    public int Fd => (int)handle;

    /// <summary>A path any process can open to enter this namespace while the handle is open (e.g. for nsenter --net=).</summary>
    public string Path => $"/proc/{Environment.ProcessId}/fd/{Fd}";

    public override bool IsInvalid => handle.ToInt64() < 0;

    public bool SameAs(NetNamespace other) => Inode == other.Inode && Device == other.Device;

    /// <summary>Opens an nsfs file: /run/netns/NAME, /proc/PID/ns/net, /proc/thread-self/ns/net.</summary>
    public static NetNamespace Open(string path)
    {
        var bytes = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
        {
            var fd = open(p, O_RDONLY | O_CLOEXEC, 0);
            if (fd < 0) throw new IOException($"open {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
            return new NetNamespace(fd, path);
        }
    }

    /// <summary>The namespace of the calling thread.</summary>
    public static NetNamespace OfCurrentThread() => Open("/proc/thread-self/ns/net");

    /// <summary>Moves the calling thread into this namespace. Only for dedicated threads (<see cref="NamespaceThread"/>).</summary>
    internal void Enter()
    {
        if (setns(Fd, CLONE_NEWNET) != 0) throw NetlinkSocket.Errno($"setns({Origin})");
    }

    protected override bool ReleaseHandle() => close((int)handle) == 0;
}
