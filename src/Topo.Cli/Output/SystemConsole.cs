using System.Text;

namespace Topo.Cli.Output;

internal sealed class SystemConsole : ITopoConsole
{
    private static readonly Lazy<TextWriter> StandardOut = new(() => BufferedWriter(Console.OpenStandardOutput(), Console.OutputEncoding));

    public TextWriter Out => StandardOut.Value;
    public TextWriter Error => Console.Error;
    public bool OutIsTerminal => !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;
    public bool ErrorIsTerminal => !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;

    /// <summary>
    /// stdout with a 64 KiB buffer, still flushed after every call (so it interleaves with stderr as
    /// before). Console.Out writes through a buffer of a few hundred bytes: the plan of 2,000
    /// containers (3.5 MB of text) took 137,000 write(2)s and a third of a second of system time.
    /// </summary>
    internal static TextWriter BufferedWriter(Stream stdout, Encoding encoding) =>
        TextWriter.Synchronized(new StreamWriter(stdout, WithoutPreamble(encoding), 1 << 16) { AutoFlush = true });

    /// <summary>A stream that cannot seek gets the encoding's byte-order mark first: a console never wants one.</summary>
    private static Encoding WithoutPreamble(Encoding encoding) => encoding.CodePage switch
    {
        65001 => new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        1200 => new UnicodeEncoding(bigEndian: false, byteOrderMark: false),
        1201 => new UnicodeEncoding(bigEndian: true, byteOrderMark: false),
        12000 => new UTF32Encoding(bigEndian: false, byteOrderMark: false),
        12001 => new UTF32Encoding(bigEndian: true, byteOrderMark: false),
        _ => encoding,
    };
}
