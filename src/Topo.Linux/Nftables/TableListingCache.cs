using System.Globalization;
using System.Text;
using Topo.Linux.Namespaces;

namespace Topo.Linux.Nftables;

/// <summary>
/// The last listing of each topo table, kept with the <see cref="NftablesGeneration"/> it was read
/// under. libnftables spends ~0.15 s listing 6,000 set elements, most of a no-op plan at 2,000
/// containers; when the generation has not moved since, no commit by anyone has happened and the
/// kept bytes are what a listing would print (or, after verification read only the sets its own
/// batch changed, the reading it composed, written as a listing: <see cref="ComposedListing"/>). Only an optimisation: any doubt (another stamp, a
/// file that is not ours, an error) reads the kernel instead, and a failure to keep one is ignored.
/// The directory is root's alone (0700): a listing needs CAP_NET_ADMIN, and so does its copy.
/// </summary>
public sealed class TableListingCache(string directory)
{
    private const string Magic = "topo-nft-listing 1";

    public string Directory { get; } = directory;

    internal byte[]? TryRead(string family, string table, NftablesGeneration stamp)
    {
        try
        {
            using var dir = Open(create: false);
            if (dir is null) return null;
            var read = NamespaceFiles.ReadAt(dir, FileName(family, table));
            if (read is not { Regular: true, Bytes: { } bytes }) return null;
            var header = Encoding.ASCII.GetBytes(Header(stamp));
            return bytes.AsSpan().StartsWith(header) ? bytes[header.Length..] : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    internal void Write(string family, string table, NftablesGeneration stamp, byte[] listing)
    {
        try
        {
            using var dir = Open(create: true);
            if (dir is null) return;
            var header = Encoding.ASCII.GetBytes(Header(stamp));
            var content = new byte[header.Length + listing.Length];
            header.CopyTo(content, 0);
            listing.CopyTo(content, header.Length);
            NamespaceFiles.Replace(dir, FileName(family, table), content);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Kept or not, the listing just read is right; the next command lists again.
        }
    }

    private unsafe SafeDirectory? Open(bool create)
    {
        if (create)
        {
            var path = Encoding.UTF8.GetBytes(Directory + "\0");
            fixed (byte* p = path) Tmds.Linux.LibC.mkdir(p, 0b111_000_000); // an existing one stays as it is (only root writes in /run); a symlink is refused below
        }
        return NamespaceFiles.OpenDirectory(Path.GetDirectoryName(Directory)!, Path.GetFileName(Directory), create: false);
    }

    private static string FileName(string family, string table) => $"{family}-{table}.json";

    private static string Header(NftablesGeneration stamp) =>
        string.Create(CultureInfo.InvariantCulture, $"{Magic} {stamp.NamespaceCookie} {stamp.Id}\n");
}
