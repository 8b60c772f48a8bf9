using System.Globalization;

namespace Topo.Linux.Tests.Netlink.Captures;

/// <summary>
/// Reads the byte dumps of an strace capture (<c>-e write=FD</c> / <c>-e read=FD</c>) in this
/// folder: one byte array per sendmsg/recvmsg (or sendto) buffer, in order. How each capture was made is in
/// capture-*.sh beside it.
/// </summary>
internal static class StraceCapture
{
    /// <summary>This folder in the checkout (the one holding Topo.sln above the test's output directory).</summary>
    private static readonly string Folder = FindFolder();

    /// <summary>A file of this folder (a capture, or a fixture made with it).</summary>
    public static string PathOf(string file) => Path.Combine(Folder, file);

    public static List<byte[]> Buffers(string file)
    {
        var buffers = new List<byte[]>();
        List<byte>? current = null;
        var announced = false;
        foreach (var line in File.ReadLines(Path.Combine(Folder, file)))
        {
            if (line.StartsWith(" * ", StringComparison.Ordinal))
            {
                buffers.Add([]);
                current = [];
                announced = true;
                continue;
            }
            if (!line.StartsWith(" | ", StringComparison.Ordinal)) continue;
            // sendto/recvfrom have no " * N bytes in buffer" line: their dump starts at offset 0.
            if (!announced && line.StartsWith(" | 00000 ", StringComparison.Ordinal))
            {
                buffers.Add([]);
                current = [];
            }
            announced = false;
            if (current is null) continue;
            // " | 00000  5c 00 00 00 10 00 05 06  36 c8 14 6b 00 00 00 00  \.......6..k.... |"
            var hex = line.Substring(10, 48);
            foreach (var pair in hex.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                current.Add(byte.Parse(pair, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            }
            buffers[^1] = [.. current];
        }
        return buffers;
    }

    private static string FindFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Topo.sln"))) return Path.Combine(dir.FullName, "tests", "Topo.Linux.Tests", "Netlink", "Captures");
        }
        throw new InvalidOperationException($"no Topo.sln above {AppContext.BaseDirectory}");
    }
}
