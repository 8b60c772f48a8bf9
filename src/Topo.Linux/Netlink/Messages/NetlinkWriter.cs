using System.Buffers.Binary;
using System.Text;
using Topo.Linux.Netlink.Constants;

namespace Topo.Linux.Netlink.Messages;

/// <summary>
/// Encodes netlink messages and attributes into a <see cref="MessageBuffer"/>. Length fields are
/// reserved when a message, attribute or nest begins and back-filled when it ends; only this type
/// knows about alignment padding.
/// </summary>
internal ref struct NetlinkWriter
{
    private readonly MessageBuffer _buffer;
    private int _messageStart;

    public NetlinkWriter(MessageBuffer buffer)
    {
        _buffer = buffer;
        _messageStart = -1;
    }

    public readonly MessageBuffer Buffer => _buffer;

    /// <summary>Starts a message: reserves the nlmsghdr; the length is filled in by <see cref="EndMessage"/>.</summary>
    public void BeginMessage(ushort type, NetlinkFlags flags, uint sequence, uint portId = 0)
    {
        if (_messageStart >= 0) throw new InvalidOperationException("a message is already open");
        _messageStart = _buffer.Append(NetlinkProtocol.HeaderSize);
        var header = _buffer.Slice(_messageStart, NetlinkProtocol.HeaderSize);
        HostOrder.WriteUInt16(header[4..], type);
        HostOrder.WriteUInt16(header[6..], (ushort)flags);
        HostOrder.WriteUInt32(header[8..], sequence);
        HostOrder.WriteUInt32(header[12..], portId);
    }

    public void EndMessage()
    {
        if (_messageStart < 0) throw new InvalidOperationException("no message is open");
        var length = _buffer.Length - _messageStart;
        HostOrder.WriteUInt32(_buffer.Slice(_messageStart, 4), (uint)length);
        _messageStart = -1;
        _buffer.MessageCount++;
    }

    /// <summary>Reserves a fixed family header (ifinfomsg, ifaddrmsg, rtmsg) and returns it zeroed, to fill in.</summary>
    public Span<byte> FixedHeader(int size) => _buffer.Slice(_buffer.Append(NetlinkProtocol.Align(size)), size);

    public void WriteBytes(ushort type, scoped ReadOnlySpan<byte> value)
    {
        var offset = _buffer.Append(NetlinkProtocol.Align(NetlinkProtocol.AttributeHeaderSize + value.Length));
        var span = _buffer.Slice(offset, NetlinkProtocol.AttributeHeaderSize + value.Length);
        HostOrder.WriteUInt16(span, (ushort)(NetlinkProtocol.AttributeHeaderSize + value.Length));
        HostOrder.WriteUInt16(span[2..], type);
        value.CopyTo(span[NetlinkProtocol.AttributeHeaderSize..]);
    }

    public void WriteU8(ushort type, byte value) => WriteBytes(type, [value]);

    public void WriteU16(ushort type, ushort value)
    {
        Span<byte> b = stackalloc byte[sizeof(ushort)];
        HostOrder.WriteUInt16(b, value);
        WriteBytes(type, b);
    }

    public void WriteU16BigEndian(ushort type, ushort value)
    {
        Span<byte> b = stackalloc byte[sizeof(ushort)];
        BinaryPrimitives.WriteUInt16BigEndian(b, value);
        WriteBytes(type, b);
    }

    public void WriteU32(ushort type, uint value)
    {
        Span<byte> b = stackalloc byte[sizeof(uint)];
        HostOrder.WriteUInt32(b, value);
        WriteBytes(type, b);
    }

    public void WriteI32(ushort type, int value) => WriteU32(type, unchecked((uint)value));

    /// <summary>A NUL-terminated string attribute (NLA_NUL_STRING / NLA_STRING as iproute2 sends them).</summary>
    public void WriteString(ushort type, string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        Span<byte> b = count < 256 ? stackalloc byte[count + 1] : new byte[count + 1];
        Encoding.UTF8.GetBytes(value, b);
        b[count] = 0;
        WriteBytes(type, b);
    }

    /// <summary>Begins a nested attribute; returns the token to pass to <see cref="EndNested"/>.</summary>
    public int BeginNested(ushort type)
    {
        var offset = _buffer.Append(NetlinkProtocol.AttributeHeaderSize);
        HostOrder.WriteUInt16(_buffer.Slice(offset + 2, 2), type);
        return offset;
    }

    public void EndNested(int token)
    {
        var length = _buffer.Length - token;
        if (length > ushort.MaxValue) throw new InvalidOperationException("nested attribute longer than 65535 bytes");
        HostOrder.WriteUInt16(_buffer.Slice(token, 2), (ushort)length);
    }
}
