namespace Topo.Linux.Netlink.Messages;

/// <summary>
/// A growable byte buffer that holds one or more encoded netlink messages, back to back,
/// ready to go out in one sendmsg. Written through <see cref="NetlinkWriter"/>.
/// </summary>
internal sealed class MessageBuffer
{
    private byte[] _data;

    public MessageBuffer(int capacity = 4096) => _data = new byte[capacity];

    public int Length { get; private set; }

    /// <summary>Number of complete messages in the buffer.</summary>
    public int MessageCount { get; internal set; }

    public ReadOnlySpan<byte> Written => _data.AsSpan(0, Length);

    internal byte[] Array => _data;

    public void Clear()
    {
        Length = 0;
        MessageCount = 0;
    }

    /// <summary>Appends <paramref name="count"/> zeroed bytes and returns their offset.</summary>
    internal int Append(int count)
    {
        if (Length + count > _data.Length)
        {
            System.Array.Resize(ref _data, Math.Max(_data.Length * 2, Length + count));
        }
        var offset = Length;
        _data.AsSpan(offset, count).Clear();
        Length += count;
        return offset;
    }

    internal Span<byte> Slice(int offset, int count) => _data.AsSpan(offset, count);
}
