using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Topo.Core.Json;

/// <summary>
/// The one writer configuration for every JSON file topo produces, so output is byte-identical
/// across runs and machines: 2-space indent, LF, UTF-8 without escaping non-ASCII (files, not HTML).
/// </summary>
internal static class JsonOutput
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        IndentSize = 2,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            write(writer);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n";
    }

    /// <summary>
    /// The same bytes (and the final newline) onto <paramref name="output"/> as they are written:
    /// whatever the writer holds goes out at each <see cref="HandOver"/> past 64 KiB, so a document
    /// of tens of megabytes (the plan of 2,000 new containers) is never held whole.
    /// </summary>
    public static void Write(TextWriter output, Action<Utf8JsonWriter> write)
    {
        using (var stream = new TextWriterStream(output))
        using (var writer = new Utf8JsonWriter(stream, Options))
        {
            write(writer);
        }
        output.Write('\n');
    }

    /// <summary>
    /// Between two items of a long document: past 64 KiB pending, what the writer holds goes to its
    /// stream (<see cref="Write(TextWriter, Action{Utf8JsonWriter})"/>); writing into a buffer, it only commits to it.
    /// </summary>
    public static void HandOver(Utf8JsonWriter writer)
    {
        if (writer.BytesPending >= 1 << 16) writer.Flush();
    }
}
