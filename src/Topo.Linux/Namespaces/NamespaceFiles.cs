using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Tmds.Linux;
using Topo.Core.Model;
using static Tmds.Linux.LibC;

namespace Topo.Linux.Namespaces;

/// <summary>What a read found: nothing, something that is not a regular file (a symlink, a FIFO), or a file's bytes.</summary>
internal readonly record struct FileRead(bool Exists, bool Regular, FileBytes? Content)
{
    public byte[]? Bytes => Content?.Joined();
}

/// <summary>
/// A file's bytes as a head of its own (a label line) and a body many files may share: the hosts
/// files of a network's 400 members differ only in their first line, so neither reading nor
/// writing them needs 400 copies of the rest. Written with one writev(2).
/// </summary>
internal readonly record struct FileBytes(byte[] Head, byte[] Body)
{
    public static FileBytes Whole(byte[] bytes) => new([], bytes);

    public byte[] Joined()
    {
        if (Head.Length == 0) return Body;
        var bytes = new byte[Head.Length + Body.Length];
        Head.CopyTo(bytes, 0);
        Body.CopyTo(bytes, Head.Length);
        return bytes;
    }
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
    public static void Replace(SafeDirectory dir, string name, byte[] content, Action<string>? beforeCreate = null) =>
        Replace(dir, name, FileBytes.Whole(content), beforeCreate);

    /// <inheritdoc cref="Replace(SafeDirectory, string, byte[], Action{string}?)"/>
    public static void Replace(SafeDirectory dir, string name, FileBytes content, Action<string>? beforeCreate = null)
    {
        var temporary = TemporaryName(name);
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
                    // The mode without the umask's say (ip netns exec's users must read it): one call
                    // more only when the process's umask takes away some of it (022 takes nothing).
                    if ((ProcessUmask.Value & Mode) != 0 && fchmod(fd, Mode) != 0)
                        throw Failed("fchmod", Path.Combine(dir.Path, temporary), errno);
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

    /// <summary>
    /// A temporary's name: unguessable across processes (a random prefix drawn once), distinct
    /// within one (a counter), so writing 400 files draws no randomness 400 times. O_EXCL refuses
    /// one that is somehow there.
    /// </summary>
    private static string TemporaryName(string name) =>
        $".{name}.topo-{TemporaryPrefix.Value}{Interlocked.Increment(ref _temporaries):x}";

    private static readonly Lazy<string> TemporaryPrefix = new(() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)) + "-");
    private static long _temporaries;

    /// <summary>
    /// The process's umask, read once from /proc/self/status (umask(2) reads it only by setting it,
    /// which another thread creating a file would see); unknown counts as taking everything away.
    /// </summary>
    private static readonly Lazy<int> ProcessUmask = new(() =>
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("Umask:", StringComparison.Ordinal)) return Convert.ToInt32(line["Umask:".Length..].Trim(), 8);
        }
        catch (IOException)
        {
        }
        return 0b111_111_111;
    });

    /// <summary>Head and body in one writev(2) as a rule; a short write continues where it stopped.</summary>
    private static void WriteAll(int fd, FileBytes content, string path)
    {
        fixed (byte* head = content.Head)
        fixed (byte* body = content.Body)
        {
            int done = 0, total = content.Head.Length + content.Body.Length;
            Span<iovec> parts = stackalloc iovec[2];
            while (done < total)
            {
                var count = 0;
                if (done < content.Head.Length)
                    parts[count++] = new iovec { iov_base = head + done, iov_len = (size_t)(content.Head.Length - done) };
                var intoBody = Math.Max(0, done - content.Head.Length);
                if (intoBody < content.Body.Length)
                    parts[count++] = new iovec { iov_base = body + intoBody, iov_len = (size_t)(content.Body.Length - intoBody) };
                nint n;
                fixed (iovec* v = parts) n = writev(fd, v, count);
                if (n < 0)
                {
                    var error = Marshal.GetLastPInvokeError();
                    if (error == EINTR) continue;
                    throw Failed("write", path, error);
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

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint writev(int fd, iovec* iov, int iovcnt);
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
