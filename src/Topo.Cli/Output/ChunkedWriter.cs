using System.Text;

namespace Topo.Cli.Output;

/// <summary>
/// Collects many small writes into chunks for a writer that flushes after every call (the
/// console's stdout): a plan rendered piece by piece goes out one chunk per write(2), not one
/// per piece, without the whole text ever being one string. What is left goes on Flush/Dispose.
/// </summary>
internal sealed class ChunkedWriter(TextWriter inner, int chunkChars = 1 << 15) : TextWriter
{
    private readonly char[] _chunk = new char[chunkChars];
    private int _filled;

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        if (_filled == _chunk.Length) Send();
        _chunk[_filled++] = value;
    }

    public override void Write(string? value) => Write(value.AsSpan());

    public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

    public override void Write(ReadOnlySpan<char> value)
    {
        while (!value.IsEmpty)
        {
            if (_filled == _chunk.Length) Send();
            var n = Math.Min(value.Length, _chunk.Length - _filled);
            value[..n].CopyTo(_chunk.AsSpan(_filled));
            _filled += n;
            value = value[n..];
        }
    }

    public override void Flush()
    {
        Send();
        inner.Flush();
    }

    private void Send()
    {
        if (_filled == 0) return;
        inner.Write(_chunk, 0, _filled);
        _filled = 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Send(); // the inner writer is not ours to close
        base.Dispose(disposing);
    }
}
