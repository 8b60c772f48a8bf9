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
        if (fstat(fd, &st) == 0) (Device, Inode) = ((ulong)st.st_dev, (ulong)st.st_ino);
    }

    /// <summary>Where the handle was opened from (an nsfs path).</summary>
    public string Origin { get; }

    /// <summary>nsfs inode: two handles with the same inode (and device) are the same namespace.</summary>
    public ulong Inode { get; }

    public ulong Device { get; }

    public NamespaceIdentity Identity => new(Device, Inode);

    public int Fd => (int)handle;

    /// <summary>A path any process can open to enter this namespace while the handle is open (e.g. for nsenter --net=).</summary>
    public string Path => $"/proc/{Environment.ProcessId}/fd/{Fd}";

    public override bool IsInvalid => handle.ToInt64() < 0;

    public bool SameAs(NetNamespace other) => Inode == other.Inode && Device == other.Device;

    /// <summary>Opens an nsfs file: /run/netns/NAME, /proc/PID/ns/net, /proc/thread-self/ns/net.</summary>
    /// <param name="followLinks">False for a name in a namespace directory: a symbolic link planted
    /// there (to another process's namespace, say) is refused, not followed. /proc's own ns files are
    /// links by nature and need true.</param>
    public static NetNamespace Open(string path, bool followLinks = true)
    {
        var bytes = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
        {
            var fd = open(p, O_RDONLY | O_CLOEXEC | (followLinks ? 0 : O_NOFOLLOW), 0);
            if (fd < 0 && errno == ELOOP && !followLinks) throw SymbolicLink(path);
            if (fd < 0) throw new IOException($"open {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
            var ns = new NetNamespace(fd, path);
            if (ns.Device != NsfsDevice.Value)
            {
                ns.Dispose();
                throw new IOException($"{path} is not a network namespace (no nsfs mount)");
            }
            return ns;
        }
    }

    /// <summary>
    /// The identity (nsfs device and inode) of the namespace bound at PATH, without opening it:
    /// one stat, where opening costs an open, a stat and a close.
    /// </summary>
    public static NamespaceIdentity IdentityOf(string path, bool followLinks = true)
    {
        var identity = StatPath(path, followLinks);
        // A plain file where a name should be (left by a crash, or unmounted elsewhere) is not a
        // namespace: an IOException, like a name that vanished, so observers pass it by.
        if (identity.Device != NsfsDevice.Value) throw new IOException($"{path} is not a network namespace (no nsfs mount)");
        return identity;
    }

    /// <summary>Every namespace file lives on the one nsfs device: that of our own.</summary>
    private static readonly Lazy<ulong> NsfsDevice = new(() => StatPath("/proc/self/ns/net").Device);

    /// <summary>A planted link where a namespace name should be; an IOException so observers pass the name by.</summary>
    internal static IOException SymbolicLink(string path) =>
        new($"{path} is a symbolic link; topo never follows a link where a namespace should be (remove it if it is not yours)");

    private static NamespaceIdentity StatPath(string path, bool followLinks = true)
    {
        var bytes = Encoding.UTF8.GetBytes(path + "\0");
        stat st;
        fixed (byte* p = bytes)
        {
            if ((followLinks ? stat(p, &st) : lstat(p, &st)) != 0) throw new IOException($"stat {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
            if (!followLinks && (st.st_mode & S_IFMT) == S_IFLNK) throw SymbolicLink(path);
        }
        return new NamespaceIdentity((ulong)st.st_dev, (ulong)st.st_ino);
    }

    /// <summary>The namespace of the calling thread.</summary>
    public static NetNamespace OfCurrentThread() => Open("/proc/thread-self/ns/net");

    /// <summary>Moves the calling thread into this namespace. Only for dedicated threads (<see cref="NamespaceThread"/>).</summary>
    internal void Enter()
    {
        if (setns(Fd, CLONE_NEWNET) != 0) throw SyscallException.FromErrno($"setns({Origin})");
    }

    protected override bool ReleaseHandle() => close((int)handle) == 0;
}
