using Topo.Linux.Netlink.Constants;

namespace Topo.Linux.Netlink.Messages;

/// <summary>The fixed header of one received netlink message.</summary>
internal readonly record struct NetlinkHeader(int Length, ushort Type, NetlinkFlags Flags, uint Sequence, uint PortId);

/// <summary>Iterates the messages of a datagram (or of a concatenated buffer).</summary>
internal ref struct NetlinkMessageReader
{
    private ReadOnlySpan<byte> _rest;

    public NetlinkMessageReader(ReadOnlySpan<byte> datagram)
    {
        _rest = datagram;
        Header = default;
        Payload = default;
        Message = default;
    }

    public NetlinkHeader Header { get; private set; }

    /// <summary>The bytes after the nlmsghdr.</summary>
    public ReadOnlySpan<byte> Payload { get; private set; }

    /// <summary>The whole message, header included.</summary>
    public ReadOnlySpan<byte> Message { get; private set; }

    public bool MoveNext()
    {
        if (_rest.IsEmpty) return false;
        if (_rest.Length < NetlinkProtocol.HeaderSize) ThrowHelper.Malformed("message header truncated");
        var length = HostOrder.ReadUInt32(_rest);
        if (length < NetlinkProtocol.HeaderSize || length > (uint)_rest.Length)
        {
            ThrowHelper.Malformed($"message length {length} with {_rest.Length} bytes left");
        }
        Header = new NetlinkHeader(
            (int)length,
            HostOrder.ReadUInt16(_rest[4..]),
            (NetlinkFlags)HostOrder.ReadUInt16(_rest[6..]),
            HostOrder.ReadUInt32(_rest[8..]),
            HostOrder.ReadUInt32(_rest[12..]));
        Message = _rest[..(int)length];
        Payload = Message[NetlinkProtocol.HeaderSize..];
        var aligned = NetlinkProtocol.Align((int)length);
        _rest = aligned >= _rest.Length ? default : _rest[aligned..];
        return true;
    }
}
