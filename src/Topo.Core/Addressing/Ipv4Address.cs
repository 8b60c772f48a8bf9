using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Topo.Core.Addressing;

/// <summary>An IPv4 address as a host-order 32-bit value: cheap to compare, add and mask.</summary>
public readonly record struct Ipv4Address(uint Value) : IComparable<Ipv4Address>, ISpanFormattable
{
    public static Ipv4Address Any => new(0);

    public int CompareTo(Ipv4Address other) => Value.CompareTo(other.Value);

    public static bool operator <(Ipv4Address a, Ipv4Address b) => a.Value < b.Value;
    public static bool operator >(Ipv4Address a, Ipv4Address b) => a.Value > b.Value;
    public static bool operator <=(Ipv4Address a, Ipv4Address b) => a.Value <= b.Value;
    public static bool operator >=(Ipv4Address a, Ipv4Address b) => a.Value >= b.Value;

    public Ipv4Address Add(long delta) => new((uint)(Value + delta));

    public byte this[int octet] => (byte)(Value >> (24 - 8 * octet));

    public void WriteBytes(Span<byte> destination) => BinaryPrimitives.WriteUInt32BigEndian(destination, Value);

    public static Ipv4Address FromBytes(ReadOnlySpan<byte> source) => new(BinaryPrimitives.ReadUInt32BigEndian(source));

    public static Ipv4Address Parse(string text) =>
        TryParse(text, out var address) ? address : throw new FormatException($"'{text}' is not an IPv4 address");

    /// <summary>Strict dotted quad: four decimal octets, no leading zeros (they mean octal to some tools).</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Ipv4Address address)
    {
        address = default;
        if (string.IsNullOrEmpty(text)) return false;
        uint value = 0;
        int octets = 0;
        foreach (var part in text.Split('.'))
        {
            if (part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0')) return false;
            foreach (var c in part) if (c is < '0' or > '9') return false;
            var octet = int.Parse(part, CultureInfo.InvariantCulture);
            if (octet > 255) return false;
            value = (value << 8) | (uint)octet;
            octets++;
        }
        if (octets != 4) return false;
        address = new Ipv4Address(value);
        return true;
    }

    /// <summary>At most 15 characters: 255.255.255.255.</summary>
    internal const int MaxLength = 15;

    // Keys and attributes of every address and route are made of these: planning 500 containers
    // formats thousands, so digits are written by hand rather than through a culture.
    public override string ToString()
    {
        Span<char> text = stackalloc char[MaxLength];
        TryFormat(text, out var written);
        return new string(text[..written]);
    }

    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format = default, IFormatProvider? provider = null)
    {
        charsWritten = 0;
        for (var octet = 0; octet < 4; octet++)
        {
            if (octet > 0 && !Put(destination, ref charsWritten, '.')) return false;
            var value = this[octet];
            if (value >= 100 && !Put(destination, ref charsWritten, (char)('0' + value / 100))) return false;
            if (value >= 10 && !Put(destination, ref charsWritten, (char)('0' + value / 10 % 10))) return false;
            if (!Put(destination, ref charsWritten, (char)('0' + value % 10))) return false;
        }
        return true;
    }

    private static bool Put(Span<char> destination, ref int at, char c)
    {
        if (at >= destination.Length) return false;
        destination[at++] = c;
        return true;
    }
}
