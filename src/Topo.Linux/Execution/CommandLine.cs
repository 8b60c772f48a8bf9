using System.Text;

namespace Topo.Linux.Execution;

/// <summary>The command's arguments as bytes, for execve.</summary>
internal static class CommandLine
{
    /// <summary>
    /// Each argument NUL-terminated, as the kernel gave it to this process when it can be found:
    /// .NET decodes arguments as UTF-8 and turns bytes that are not UTF-8 (a file name in
    /// Latin-1) into U+FFFD, and the command must get what was typed. The command is the tail of
    /// /proc/self/cmdline; it is used only if it decodes to exactly the arguments we were given.
    /// </summary>
    public static IReadOnlyList<byte[]> Exact(IReadOnlyList<string> command)
    {
        var raw = ReadOwnCommandLine();
        if (raw is not null && raw.Count >= command.Count)
        {
            var tail = raw.GetRange(raw.Count - command.Count, command.Count);
            var same = true;
            for (var i = 0; i < command.Count && same; i++) same = Encoding.UTF8.GetString(tail[i]) == command[i];
            if (same) return [.. tail.Select(a => (byte[])[.. a, 0])];
        }
        return [.. command.Select(a => Encoding.UTF8.GetBytes(a + "\0"))];
    }

    private static List<byte[]>? ReadOwnCommandLine()
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes("/proc/self/cmdline");
        }
        catch (IOException)
        {
            return null;
        }
        var arguments = new List<byte[]>();
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != 0) continue;
            arguments.Add(bytes[start..i]);
            start = i + 1;
        }
        return arguments;
    }
}
