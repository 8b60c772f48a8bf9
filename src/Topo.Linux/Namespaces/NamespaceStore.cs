using System.Runtime.InteropServices;
using System.Text;
using Topo.Linux.Netlink.Transport;
using static Tmds.Linux.LibC;

namespace Topo.Linux.Namespaces;

/// <summary>
/// Named network namespaces, compatible with iproute2: a namespace NAME is an nsfs bind mount
/// at NetnsDirectory/NAME (so `ip netns list` and `ip netns exec` see it), the directory is a
/// shared mount (bound onto itself first if needed, as iproute2 does), and NAME has a config
/// directory EtcDirectory/NAME created and removed with it.
/// </summary>
public sealed unsafe class NamespaceStore
{
    private readonly NamespaceThread _thread;
    private bool _prepared;

    public NamespaceStore(NamespaceStoreOptions options, NamespaceThread thread)
    {
        Options = options;
        _thread = thread;
    }

    public NamespaceStoreOptions Options { get; }

    public NamespaceThread Thread => _thread;

    public string PathOf(string name) => Path.Combine(Options.NetnsDirectory, Validate(name));

    /// <summary>True for a name in the store, a planted symbolic link included (which every other call then refuses).</summary>
    public bool Exists(string name) => Path.Exists(PathOf(name)) || new FileInfo(PathOf(name)).LinkTarget is not null;

    /// <summary>Names in the store, sorted.</summary>
    public IReadOnlyList<string> List()
    {
        if (DirectoryNames.Of(Options.NetnsDirectory) is not { } names) return [];
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    // Names are never followed through a symbolic link (O_NOFOLLOW, lstat, UMOUNT_NOFOLLOW): a link
    // planted in the store would otherwise make topo treat another namespace (or any mount) as its own.
    public NetNamespace Open(string name) => NetNamespace.Open(PathOf(name), followLinks: false);

    /// <summary>The identity (nsfs device, inode) of namespace NAME; IOException if there is no namespace behind the name.</summary>
    public NamespaceIdentity Identity(string name) => NetNamespace.IdentityOf(PathOf(name), followLinks: false);

    /// <summary>Creates a fresh namespace NAME; returns its handle.</summary>
    /// <param name="inside">Runs in the new namespace, on the namespace thread, once it is named
    /// (e.g. to open its netlink socket in the same hand-off).</param>
    /// <param name="beforeNaming">Told the new namespace's identity (nsfs device, inode) before
    /// anything of it is visible (its mount point file included): a caller that records it can
    /// tell afterwards that what is at NAME is the namespace it made (the applier's intent log).</param>
    public NetNamespace Create(string name, Action? inside = null, Action<NamespaceIdentity>? beforeNaming = null)
    {
        var path = PathOf(name);
        Prepare();
        var named = false;
        try
        {
            var ns = _thread.CreateNamespace(() =>
            {
                beforeNaming?.Invoke(NetNamespace.IdentityOf("/proc/thread-self/ns/net"));
                CreateMountPoint(path);
                named = true;
                Mount("/proc/thread-self/ns/net", path, MS_BIND, $"bind namespace onto {path}");
                inside?.Invoke();
            });
            Directory.CreateDirectory(Path.Combine(Options.EtcDirectory, name));
            return ns;
        }
        catch
        {
            if (named)
            {
                Unmount(path);
                File.Delete(path);
            }
            throw;
        }
    }

    /// <summary>Gives the namespace already named <paramref name="existing"/> a second name (container:NAME mode).</summary>
    public NetNamespace Bind(string name, string existing)
    {
        var path = PathOf(name);
        var source = PathOf(existing);
        if (!File.Exists(source) && new FileInfo(source).LinkTarget is null) throw new IOException($"namespace {existing} does not exist");
        Prepare();
        // The source by its handle (/proc/PID/fd/N), opened without following a link: what is bound is what was checked.
        using var held = NetNamespace.Open(source, followLinks: false);
        CreateMountPoint(path);
        try
        {
            Mount(held.Path, path, MS_BIND, $"bind {source} onto {path}");
        }
        catch
        {
            File.Delete(path);
            throw;
        }
        Directory.CreateDirectory(Path.Combine(Options.EtcDirectory, name));
        return NetNamespace.Open(path);
    }

    /// <summary>Removes the name (lazy unmount and unlink) and its config directory. The namespace itself goes when nothing else holds it.</summary>
    public void Delete(string name)
    {
        var path = PathOf(name);
        var bytes = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
        {
            if (umount2(p, MNT_DETACH | UmountNoFollow) != 0 && errno != EINVAL && errno != ENOENT)
            {
                throw SyscallException.FromErrno($"umount {path}");
            }
        }
        if (File.Exists(path)) File.Delete(path);
        var etc = Path.Combine(Options.EtcDirectory, name);
        if (new FileInfo(etc).LinkTarget is not null) File.Delete(etc); // the link, never what it points at
        else if (Directory.Exists(etc)) Directory.Delete(etc, recursive: true);
    }

    /// <summary>UMOUNT_NOFOLLOW (include/linux/fs.h): not bound by Tmds.LibC 0.5.</summary>
    private const int UmountNoFollow = 8;

    /// <summary>Makes the directory a shared mount point, as iproute2 does, so mounts propagate to other mount namespaces.</summary>
    private void Prepare()
    {
        if (_prepared) return;
        var dir = Options.NetnsDirectory;
        if (new DirectoryInfo(dir).LinkTarget is not null)
            throw new IOException($"{dir} is a symbolic link; topo keeps namespace names only in a real directory");
        Directory.CreateDirectory(dir);
        if (!TryMount(null, dir, MS_SHARED | MS_REC))
        {
            if (errno != EINVAL) throw SyscallException.FromErrno($"make {dir} shared");
            Mount(dir, dir, MS_BIND | MS_REC, $"bind {dir} onto itself");
            Mount(null, dir, MS_SHARED | MS_REC, $"make {dir} shared");
        }
        _prepared = true;
    }

    private static void CreateMountPoint(string path)
    {
        try
        {
            using (new FileStream(path, FileMode.CreateNew, FileAccess.Write)) { }
        }
        catch (IOException) when (new FileInfo(path).LinkTarget is not null)
        {
            throw NetNamespace.SymbolicLink(path); // O_EXCL refused to follow it; say why
        }
        catch (IOException e) when (File.Exists(path))
        {
            throw new IOException($"namespace file {path} already exists", e);
        }
    }

    private static void Mount(string? source, string target, ulong flags, string what)
    {
        if (!TryMount(source, target, flags)) throw SyscallException.FromErrno(what);
    }

    private static bool TryMount(string? source, string target, ulong flags)
    {
        var src = Encoding.UTF8.GetBytes((source ?? "none") + "\0");
        var dst = Encoding.UTF8.GetBytes(target + "\0");
        var type = "none\0"u8;
        fixed (byte* s = src)
        fixed (byte* d = dst)
        fixed (byte* t = type)
        {
            return mount(s, d, t, (Tmds.Linux.ulong_t)flags, null) == 0;
        }
    }

    private static string Validate(string name)
    {
        if (name.Length == 0 || name is "." or ".." || name.Contains('/') || name.Contains('\0'))
        {
            throw new ArgumentException($"'{name}' is not a valid namespace name", nameof(name));
        }
        return name;
    }

    internal static void Unmount(string path)
    {
        var bytes = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes) umount2(p, MNT_DETACH);
    }
}
