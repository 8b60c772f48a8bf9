using System.Runtime.InteropServices;
using System.Text;
using Topo.Linux.Namespaces;
using static Tmds.Linux.LibC;

namespace Topo.Linux;

/// <summary>
/// Writes a file of topo's own (a watcher's status) the way /etc/netns files are written: the
/// directory opened without following a link, a fresh O_EXCL|O_NOFOLLOW temporary in it, renamed
/// over the name. A link planted at the name or at a predictable temporary name is never written through.
/// </summary>
public static unsafe class SafeFile
{
    public static void Replace(string path, byte[] content)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        int fd;
        fixed (byte* p = Encoding.UTF8.GetBytes(directory + "\0")) fd = open(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
        if (fd < 0)
        {
            var error = errno;
            if (error == ELOOP || error == ENOTDIR) throw new IOException($"{directory} is not a directory (a symbolic link?): topo writes only into a real directory");
            throw new IOException($"open {directory}: {Marshal.GetPInvokeErrorMessage(error)}");
        }
        using var dir = new SafeDirectory(fd, directory);
        NamespaceFiles.Replace(dir, Path.GetFileName(path), content);
    }
}
