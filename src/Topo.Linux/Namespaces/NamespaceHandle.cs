using System.Runtime.InteropServices;
using static Tmds.Linux.LibC;

namespace Topo.Linux.Namespaces;

/// <summary>What opening a namespace by its file handle says about it.</summary>
public enum NamespaceLife
{
    /// <summary>The kernel cannot tell (no nsfs file handles before Linux 6.18, or no permission).</summary>
    Unknown,

    /// <summary>It opened: something holds it (a process inside, an fd, a mount elsewhere).</summary>
    Lives,

    /// <summary>ESTALE: its last reference is gone and the kernel is tearing it down.</summary>
    Dying,
}

/// <summary>
/// A namespace's file handle (nsfs supports them since Linux 6.18): taken while the namespace has
/// its name, it finds the namespace again after the name is gone, to ask whether it still lives.
/// A handle is no reference: it keeps nothing alive, and an id in it is never reused.
/// </summary>
public sealed unsafe partial class NamespaceHandle
{
    /// <summary>MAX_HANDLE_SZ (include/linux/exportfs.h).</summary>
    private const int MaxHandleBytes = 128;

    /// <summary>struct file_handle: handle_bytes (u32), handle_type (s32), then the bytes.</summary>
    private const int HeaderBytes = 8;

    private readonly byte[] _fileHandle;

    private NamespaceHandle(byte[] fileHandle) => _fileHandle = fileHandle;

    /// <summary>The handle of the namespace bound at <paramref name="path"/> (not followed if a link); null when the kernel makes none.</summary>
    public static NamespaceHandle? Of(string path)
    {
        var buffer = new byte[HeaderBytes + MaxHandleBytes];
        fixed (byte* b = buffer)
        {
            *(uint*)b = MaxHandleBytes;
            int mountId;
            if (name_to_handle_at(AT_FDCWD, path, b, &mountId, 0) != 0) return null;
            return new NamespaceHandle(buffer[..(HeaderBytes + (int)*(uint*)b)]);
        }
    }

    /// <summary>Opens the namespace by its handle, and closes it at once: whether it still lives.</summary>
    public NamespaceLife Life()
    {
        int fd;
        fixed (byte* b = _fileHandle) fd = open_by_handle_at(NsfsRoot.Value, b, O_RDONLY | O_CLOEXEC);
        if (fd >= 0)
        {
            close(fd);
            return NamespaceLife.Lives;
        }
        return Marshal.GetLastPInvokeError() == ESTALE ? NamespaceLife.Dying : NamespaceLife.Unknown;
    }

    /// <summary>
    /// open_by_handle_at needs a file on the filesystem the handle is of: any nsfs file is; ours
    /// lives as long as we do, so it is kept above select()'s limit (FileDescriptors).
    /// </summary>
    private static readonly Lazy<int> NsfsRoot = new(() =>
    {
        int fd;
        fixed (byte* p = "/proc/self/ns/net\0"u8) fd = open(p, O_RDONLY | O_CLOEXEC, 0);
        return fd >= 0 ? FileDescriptors.KeepAboveSelectLimit(fd) : throw FileDescriptors.Error("open /proc/self/ns/net");
    });

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int name_to_handle_at(int dirfd, string path, byte* handle, int* mountId, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int open_by_handle_at(int mountFd, byte* handle, int flags);
}
