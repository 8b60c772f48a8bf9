using System.Runtime.InteropServices;
using System.Text;

namespace Topo.Linux.Namespaces;

/// <summary>
/// The names of the regular files (or directories) in a directory, straight from readdir: every observe lists the
/// namespace directory, and in a fresh process .NET's directory enumeration took ~6 ms to start
/// up (against 0.5 ms once warm) where readdir takes a few hundred microseconds for 500 names.
/// </summary>
internal static unsafe partial class DirectoryNames
{
    private const byte DtRegular = 8;
    private const byte DtUnknown = 0;
    private const int NameOffset = 19; // struct dirent64: d_ino(8) d_off(8) d_reclen(2) d_type(1) d_name

    private const byte DtDirectory = 4;

    /// <summary>Names of regular files (and of entries the filesystem gives no type for); null when the directory does not exist.</summary>
    public static List<string>? Of(string path) => Of(path, DtRegular);

    /// <summary>Names of directories (and of entries the filesystem gives no type for); null when the directory does not exist.</summary>
    public static List<string>? Directories(string path) => Of(path, DtDirectory);

    private static List<string>? Of(string path, byte wanted)
    {
        var dir = opendir(path);
        if (dir == IntPtr.Zero)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is 2 or 20) return null; // ENOENT, ENOTDIR
            throw new IOException($"opendir {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
        try
        {
            var names = new List<string>();
            while (readdir64(dir) is var entry && entry != null)
            {
                var type = entry[NameOffset - 1];
                if (type != wanted && type != DtUnknown) continue;
                var name = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(entry + NameOffset);
                if (name.SequenceEqual("."u8) || name.SequenceEqual(".."u8)) continue;
                names.Add(Encoding.UTF8.GetString(name));
            }
            return names;
        }
        finally
        {
            closedir(dir);
        }
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial IntPtr opendir(string name);

    [LibraryImport("libc")]
    private static partial byte* readdir64(IntPtr dir);

    [LibraryImport("libc")]
    private static partial int closedir(IntPtr dir);
}
