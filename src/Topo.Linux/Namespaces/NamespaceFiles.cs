using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Tmds.Linux;
using Topo.Core.Model;
using static Tmds.Linux.LibC;

namespace Topo.Linux.Namespaces;

/// <summary>What a read found: nothing, something that is not a regular file (a symlink, a FIFO), or a file's bytes.</summary>
internal readonly record struct FileRead(bool Exists, bool Regular, byte[]? Bytes)
{
    public string Text => Bytes is null ? "" : Encoding.UTF8.GetString(Bytes);
}

/// <summary>
/// The files of /etc/netns/NAME, read and written with raw system calls: never through a symbolic
/// link (O_NOFOLLOW; the directory is opened once and everything else is relative to it), never
/// blocking on a FIFO, a new content always in a fresh temporary (O_CREAT|O_EXCL) renamed over
/// the old one, so a reader sees the old file or the new one, never half of one.
/// </summary>
internal static unsafe partial class NamespaceFiles
{
    /// <summary>Larger than any file topo writes (a hosts file of 10,000 peers is ~0.5 MiB).</summary>
    private const int MaxSize = 16 << 20;

    private const int Mode = 0b110_100_100; // 0644
    private const int DirectoryMode = 0b111_101_101; // 0755

    /// <summary>
    /// Opens ETC/NAME as a directory, refusing a symbolic link or anything else that is not a
    /// directory; with <paramref name="create"/>, makes it (and ETC) first if missing. Null when
    /// it does not exist and is not to be made.
    /// </summary>
    public static SafeDirectory? OpenDirectory(string etcDirectory, string name, bool create)
    {
        var path = Path.Combine(etcDirectory, name);
        fixed (byte* p = Bytes(path))
        {
            // Opened first: it exists as a rule (made with the namespace), and a mkdir would be one more call per file.
            var fd = open(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
            if (fd < 0 && errno == ENOENT && create)
            {
                Directory.CreateDirectory(etcDirectory);
                if (mkdir(p, DirectoryMode) != 0 && errno != EEXIST) throw Failed("mkdir", path, errno);
                fd = open(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
            }
            if (fd >= 0) return new SafeDirectory(fd, path);
            var error = errno;
            if (error == ENOENT && !create) return null;
            if (error == ELOOP || error == ENOTDIR)
                throw new IOException($"{path} is not a directory (a symbolic link, or a file): topo writes only into a real directory");
            throw Failed("open", path, error);
        }
    }

    /// <summary>Puts <paramref name="content"/> in place of NAME: a fresh temporary beside it, renamed over it.</summary>
    /// <param name="beforeCreate">Told the temporary's name before it exists (the applier's intent log).</param>
    public static void Replace(SafeDirectory dir, string name, byte[] content, Action<string>? beforeCreate = null)
    {
        var temporary = $".{name}.topo-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";
        beforeCreate?.Invoke(temporary);
        fixed (byte* t = Bytes(temporary))
        {
            var fd = openat(dir.Fd, t, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, Mode);
            if (fd < 0) throw Failed("create", Path.Combine(dir.Path, temporary), errno);
            var renamed = false;
            try
            {
                try
                {
                    // The mode without the umask's say: ip netns exec's users must read it.
                    if (fchmod(fd, Mode) != 0) throw Failed("fchmod", Path.Combine(dir.Path, temporary), errno);
                    WriteAll(fd, content, Path.Combine(dir.Path, temporary));
                }
                finally
                {
                    close(fd);
                }
                fixed (byte* n = Bytes(name))
                {
                    if (renameat(dir.Fd, t, dir.Fd, n) != 0) throw Failed("rename", Path.Combine(dir.Path, name), Marshal.GetLastPInvokeError());
                }
                renamed = true;
            }
            finally
            {
                if (!renamed) unlinkat(dir.Fd, t, 0);
            }
        }
    }

    /// <summary>Removes NAME (never what a symlink points at: unlink removes the link); false when it was not there.</summary>
    public static bool Delete(SafeDirectory dir, string name)
    {
        fixed (byte* n = Bytes(name))
        {
            if (unlinkat(dir.Fd, n, 0) == 0) return true;
            var error = errno;
            if (error == ENOENT) return false;
            throw Failed("unlink", Path.Combine(dir.Path, name), error);
        }
    }

    private static void WriteAll(int fd, byte[] content, string path)
    {
        fixed (byte* start = content)
        {
            var done = 0;
            while (done < content.Length)
            {
                var n = write(fd, start + done, (size_t)(content.Length - done));
                if (n < 0)
                {
                    if (errno == EINTR) continue;
                    throw Failed("write", path, errno);
                }
                done += (int)n;
            }
        }
    }

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s + "\0");

    private static IOException Failed(string operation, string path, int error) =>
        new($"{operation} {path}: {Marshal.GetPInvokeErrorMessage(error)}");

    // Not bound by Tmds.LibC 0.5.
    [LibraryImport("libc", SetLastError = true)]
    private static partial int renameat(int olddirfd, byte* oldpath, int newdirfd, byte* newpath);
}

/// <summary>An open directory (O_PATH-like use: a base for *at calls).</summary>
internal sealed class SafeDirectory(int fd, string path) : IDisposable
{
    public int Fd { get; private set; } = fd;
    public string Path { get; } = path;

    public void Dispose()
    {
        if (Fd >= 0) LibC.close(Fd);
        Fd = -1;
    }
}
