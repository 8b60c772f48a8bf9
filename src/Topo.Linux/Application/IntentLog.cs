using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Topo.Linux.Namespaces;
using static Tmds.Linux.LibC;

namespace Topo.Linux.Application;

/// <summary>
/// Write-ahead record of what an apply is about to make or unmake, for the moments a crash could
/// leave an object topo would not know as its own: a namespace mounted before its lo carries the
/// label, a link created before its alias is set (the kernel ignores IFLA_IFALIAS in
/// RTM_NEWLINK), a mount point file before the mount, a /etc/netns directory after its
/// namespace's name went, a temporary file before its rename. Each record is one small
/// O_APPEND write(2), so a SIGKILL leaves whole lines only; the file goes when the apply ends
/// (done, or rolled back in full). One left behind means an apply died: the next holder of the
/// apply lock (which every writer takes) reads it and removes what those records name and topo
/// cannot otherwise recognise (<see cref="Applier.Recover"/>). /run is a tmpfs: a reboot clears
/// the log together with every namespace it could name.
/// </summary>
internal sealed unsafe class IntentLog(string path) : IDisposable
{
    private const int Mode = 0b110_000_000; // 0600: root's business
    private int _fd = -1;

    public string Path { get; } = path;

    /// <summary>A namespace made (not yet named) with this nsfs identity is about to get NAME.</summary>
    public void Namespace(string name, NamespaceIdentity identity) =>
        Append($"namespace\t{name}\t{identity.Device}\t{identity.Inode}");

    /// <summary>NAME is about to become a second name of an existing namespace (container mode).</summary>
    public void Bind(string name) => Append($"bind\t{name}");

    /// <summary>The name NAME (mount point and /etc/netns/NAME) is about to be removed.</summary>
    public void Unname(string name) => Append($"unname\t{name}");

    /// <summary>A link is about to be created in namespace NS ("" the host), without its alias at first.</summary>
    public void Link(string ns, string name) => Append($"link\t{ns}\t{name}");

    /// <summary>A temporary file is about to be created in /etc/netns/NS, to be renamed over one of its files.</summary>
    public void File(string ns, string temporary) => Append($"file\t{ns}\t{temporary}");

    private void Append(string record)
    {
        if (_fd < 0) Open();
        var bytes = Encoding.UTF8.GetBytes(record + "\n");
        fixed (byte* b = bytes)
        {
            // One write(2): SIGKILL is delivered between system calls, never inside this one.
            var written = write(_fd, b, bytes.Length);
            if (written != bytes.Length) throw new IOException($"write {Path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
    }

    private void Open()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        fixed (byte* p = Bytes(Path))
        {
            _fd = open(p, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, Mode);
            if (_fd < 0) throw new IOException($"open {Path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
    }

    /// <summary>The apply ended with nothing half-made: the records are void.</summary>
    public void Clear()
    {
        Close();
        Remove(Path);
    }

    public static void Remove(string path)
    {
        fixed (byte* p = Bytes(path))
        {
            if (unlink(p) != 0 && errno != ENOENT) throw new IOException($"unlink {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
    }

    /// <summary>The records a dead apply left, oldest first; empty when there is no log (the rule).</summary>
    public static IReadOnlyList<Intent> Read(string path)
    {
        string text;
        try
        {
            text = System.IO.File.ReadAllText(path);
        }
        catch (FileNotFoundException)
        {
            return [];
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
        var intents = new List<Intent>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split('\t');
            Intent? intent = (f[0], f.Length) switch
            {
                ("namespace", 4) when ulong.TryParse(f[2], CultureInfo.InvariantCulture, out var dev) &&
                                      ulong.TryParse(f[3], CultureInfo.InvariantCulture, out var ino) =>
                    new Intent(IntentKind.Namespace, "", f[1], new NamespaceIdentity(dev, ino)),
                ("bind", 2) => new Intent(IntentKind.Bind, "", f[1], null),
                ("unname", 2) => new Intent(IntentKind.Unname, "", f[1], null),
                ("link", 3) => new Intent(IntentKind.Link, f[1], f[2], null),
                ("file", 3) => new Intent(IntentKind.File, f[1], f[2], null),
                _ => null, // not ours to guess at
            };
            if (intent is not null) intents.Add(intent);
        }
        return intents;
    }

    private void Close()
    {
        if (_fd >= 0) close(_fd);
        _fd = -1;
    }

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s + "\0");

    public void Dispose() => Close();
}

internal enum IntentKind { Namespace, Bind, Unname, Link, File }

/// <param name="Namespace">Where a link or file was to be ("" the host); "" for names.</param>
/// <param name="Name">The namespace name, link name or temporary file name.</param>
/// <param name="Identity">A new namespace's nsfs identity.</param>
internal sealed record Intent(IntentKind Kind, string Namespace, string Name, NamespaceIdentity? Identity);
