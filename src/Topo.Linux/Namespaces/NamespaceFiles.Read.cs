using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using Tmds.Linux;
using Topo.Core.Model;
using static Tmds.Linux.LibC;

namespace Topo.Linux.Namespaces;

/// <summary>Reading: one open (no symlink followed, no FIFO waited on), fstat, read, close.</summary>
internal static unsafe partial class NamespaceFiles
{
    private delegate T Decode<T>(ReadOnlySpan<byte> bytes);

    /// <summary>
    /// Reads a file by path without following a final symlink and decodes it straight from the
    /// read buffer (observing: open, fstat, read, close, one copy). Null when there is none; a
    /// symlink or anything but a regular file is <paramref name="notRegular"/>.
    /// </summary>
    public static NamespaceFileState? ReadState(string path, string ns, string name, NamespaceFileState notRegular,
        NamespaceFileState.ContentDecoder decode)
    {
        Span<byte> bytes = stackalloc byte[Encoding.UTF8.GetMaxByteCount(path.Length) + 1];
        var length = Encoding.UTF8.GetBytes(path, bytes);
        bytes[length] = 0;
        fixed (byte* p = bytes)
        {
            var read = ReadFd(open(p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0), path,
                content => NamespaceFileState.Parse(ns, name, content, decode));
            return read.Exists ? read.Value ?? notRegular : null;
        }
    }

    /// <summary>
    /// Reads NAME in an open directory, without following a symlink. With <paramref name="bodies"/>,
    /// the first line is the head and the rest a body shared with every equal one read before.
    /// </summary>
    public static FileRead ReadAt(SafeDirectory dir, string name, SharedBodies? bodies = null)
    {
        fixed (byte* p = Bytes(name))
        {
            var read = ReadFd<Box<FileBytes>>(openat(dir.Fd, p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0), Path.Combine(dir.Path, name),
                bytes => new(bodies is null ? FileBytes.Whole(bytes.ToArray()) : bodies.Split(bytes)));
            return new FileRead(read.Exists, read.Value is not null, read.Value?.Value);
        }
    }

    private sealed record Box<T>(T Value);

    /// <summary>Exists false: no file; Value null: not a regular file.</summary>
    private readonly record struct Found<T>(bool Exists, T? Value) where T : class;

    private static Found<T> ReadFd<T>(int fd, string path, Decode<T> decode) where T : class
    {
        if (fd < 0)
        {
            var error = errno;
            if (error == ENOENT || error == ENOTDIR) return new(false, null);
            if (error == ELOOP) return new(true, null); // a symbolic link
            throw Failed("open", path, error);
        }
        try
        {
            stat st;
            if (fstat(fd, &st) != 0) throw Failed("fstat", path, errno);
            if ((st.st_mode & S_IFMT) != S_IFREG) return new(true, null);
            var size = (long)st.st_size;
            if (size > MaxSize) throw new IOException($"{path} is larger than {MaxSize >> 20} MiB");
            // What fstat promised, in one read as a rule; more only if the file grew meanwhile.
            var buffer = ArrayPool<byte>.Shared.Rent((int)size + 1);
            try
            {
                var filled = 0;
                while (true)
                {
                    if (filled == size && filled > 0) break;
                    if (filled == buffer.Length)
                    {
                        if (filled >= MaxSize) throw new IOException($"{path} is larger than {MaxSize >> 20} MiB");
                        var larger = ArrayPool<byte>.Shared.Rent(filled * 2);
                        buffer.AsSpan(0, filled).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                    ssize_t n;
                    fixed (byte* b = &buffer[filled]) n = read(fd, b, (size_t)(buffer.Length - filled));
                    if (n < 0)
                    {
                        if (errno == EINTR) continue;
                        throw Failed("read", path, errno);
                    }
                    if (n == 0) break;
                    filled += (int)n;
                }
                return new(true, decode(buffer.AsSpan(0, filled)));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        finally
        {
            close(fd);
        }
    }
}
