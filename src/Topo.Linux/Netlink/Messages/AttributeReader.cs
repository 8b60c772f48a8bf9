using System.Buffers.Binary;
using System.Text;
using Topo.Linux.Netlink.Constants;

namespace Topo.Linux.Netlink.Messages;

/// <summary>
/// Iterates the attributes of a message or nest. Malformed input (a length that overruns the
/// buffer or is shorter than the header, a value of the wrong size) raises
/// <see cref="NetlinkParseException"/>, never anything else.
/// </summary>
internal ref struct AttributeReader
{
    private ReadOnlySpan<byte> _rest;

    public AttributeReader(ReadOnlySpan<byte> attributes)
    {
        _rest = attributes;
        Type = 0;
        RawType = 0;
        Value = default;
    }

    /// <summary>Type without the NLA_F_NESTED / NLA_F_NET_BYTEORDER bits.</summary>
    public ushort Type { get; private set; }

    /// <summary>Type as sent, with flag bits.</summary>
    public ushort RawType { get; private set; }

    public ReadOnlySpan<byte> Value { get; private set; }

    public bool MoveNext()
    {
        if (_rest.IsEmpty) return false;
        if (_rest.Length < NetlinkProtocol.AttributeHeaderSize) ThrowHelper.Malformed("attribute header truncated");
        int length = HostOrder.ReadUInt16(_rest);
        if (length < NetlinkProtocol.AttributeHeaderSize || length > _rest.Length)
        {
            ThrowHelper.Malformed($"attribute length {length} with {_rest.Length} bytes left");
        }
        RawType = HostOrder.ReadUInt16(_rest[2..]);
        Type = (ushort)(RawType & NetlinkProtocol.AttributeTypeMask);
        Value = _rest[NetlinkProtocol.AttributeHeaderSize..length];
        var aligned = NetlinkProtocol.Align(length);
        _rest = aligned >= _rest.Length ? default : _rest[aligned..];
        return true;
    }

    public readonly RawAttribute Raw() => new(RawType, Value.ToArray());

    public readonly byte U8() => Value.Length == sizeof(byte) ? Value[0] : ThrowHelper.Malformed<byte>(Describe("u8"));

    public readonly ushort U16() => Value.Length == sizeof(ushort)
        ? HostOrder.ReadUInt16(Value) : ThrowHelper.Malformed<ushort>(Describe("u16"));

    public readonly ushort U16BigEndian() => Value.Length == sizeof(ushort)
        ? BinaryPrimitives.ReadUInt16BigEndian(Value) : ThrowHelper.Malformed<ushort>(Describe("u16"));

    public readonly uint U32() => Value.Length == sizeof(uint)
        ? HostOrder.ReadUInt32(Value) : ThrowHelper.Malformed<uint>(Describe("u32"));

    public readonly int I32() => unchecked((int)U32());

    /// <summary>A string attribute; a trailing NUL (and anything after it) is dropped.</summary>
    public readonly string String()
    {
        var value = Value;
        var nul = value.IndexOf((byte)0);
        if (nul >= 0) value = value[..nul];
        try
        {
            return Encoding.UTF8.GetString(value);
        }
        catch (ArgumentException e)
        {
            throw new NetlinkParseException(Describe("string"), e);
        }
    }

    public readonly ReadOnlySpan<byte> Fixed(int size) =>
        Value.Length == size ? Value : ThrowHelper.Malformed<byte[]>(Describe($"{size}-byte value"));

    private readonly string Describe(string what) => $"attribute {Type} is not a {what} ({Value.Length} bytes)";
}
