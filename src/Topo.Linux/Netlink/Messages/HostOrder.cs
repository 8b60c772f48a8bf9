using System.Buffers.Binary;

namespace Topo.Linux.Netlink.Messages;

/// <summary>
/// Netlink headers and attribute values are in the host's byte order (rust-netlink's NativeEndian,
/// mdlayher's nlenc), not little-endian: the same code must speak to a big-endian kernel. Values the
/// kernel defines in network order (a VXLAN port, a VLAN protocol, nf_tables integers) use
/// BinaryPrimitives' big-endian calls instead. The branch is on a JIT constant, so it costs nothing.
/// </summary>
internal static class HostOrder
{
    public static ushort ReadUInt16(ReadOnlySpan<byte> source) =>
        BitConverter.IsLittleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(source) : BinaryPrimitives.ReadUInt16BigEndian(source);

    public static uint ReadUInt32(ReadOnlySpan<byte> source) =>
        BitConverter.IsLittleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(source) : BinaryPrimitives.ReadUInt32BigEndian(source);

    public static int ReadInt32(ReadOnlySpan<byte> source) => unchecked((int)ReadUInt32(source));

    public static ulong ReadUInt64(ReadOnlySpan<byte> source) =>
        BitConverter.IsLittleEndian ? BinaryPrimitives.ReadUInt64LittleEndian(source) : BinaryPrimitives.ReadUInt64BigEndian(source);

    public static void WriteUInt16(Span<byte> destination, ushort value)
    {
        if (BitConverter.IsLittleEndian) BinaryPrimitives.WriteUInt16LittleEndian(destination, value);
        else BinaryPrimitives.WriteUInt16BigEndian(destination, value);
    }

    public static void WriteUInt32(Span<byte> destination, uint value)
    {
        if (BitConverter.IsLittleEndian) BinaryPrimitives.WriteUInt32LittleEndian(destination, value);
        else BinaryPrimitives.WriteUInt32BigEndian(destination, value);
    }

    public static void WriteInt32(Span<byte> destination, int value) => WriteUInt32(destination, unchecked((uint)value));
}
