using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace Topo.Core.Addressing;

/// <summary>An IPv6 address as a 128-bit value: cheap to compare, add and mask.</summary>
public readonly record struct Ipv6Address(UInt128 Value) : IComparable<Ipv6Address>, ISpanFormattable
{
    public static Ipv6Address Any => new(UInt128.Zero);

    public int CompareTo(Ipv6Address other) => Value.CompareTo(other.Value);

    public static bool operator <(Ipv6Address a, Ipv6Address b) => a.Value < b.Value;
    public static bool operator >(Ipv6Address a, Ipv6Address b) => a.Value > b.Value;
    public static bool operator <=(Ipv6Address a, Ipv6Address b) => a.Value <= b.Value;
    public static bool operator >=(Ipv6Address a, Ipv6Address b) => a.Value >= b.Value;

    public Ipv6Address Add(UInt128 delta) => new(Value + delta);

    /// <summary>fe80::/10: made by the kernel on every IPv6 link, never planned by topo.</summary>
    public bool IsLinkLocal => (Value >> 118) == 0x3FA;

    public bool IsLoopback => Value == UInt128.One;

    public void WriteBytes(Span<byte> destination) => BinaryPrimitives.WriteUInt128BigEndian(destination, Value);

    public static Ipv6Address FromBytes(ReadOnlySpan<byte> source) => new(BinaryPrimitives.ReadUInt128BigEndian(source));

    public static Ipv6Address Parse(string text) =>
        TryParse(text, out var address) ? address : throw new FormatException($"'{text}' is not an IPv6 address");

    /// <summary>
    /// RFC 4291 text without a zone (<c>fe80::1%eth0</c> names a link, not an address topo can
    /// own) and without brackets; an embedded IPv4 tail (<c>::ffff:1.2.3.4</c>) is accepted.
    /// </summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Ipv6Address address)
    {
        address = default;
        if (string.IsNullOrEmpty(text) || !text.Contains(':') || text.Contains('%') || text.Contains('[')) return false;
        if (!IPAddress.TryParse(text, out var parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6) return false;
        Span<byte> bytes = stackalloc byte[16];
        parsed.TryWriteBytes(bytes, out _);
        address = FromBytes(bytes);
        return true;
    }

    /// <summary>At most 45 characters: ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255.</summary>
    internal const int MaxLength = 45;

    /// <summary>RFC 5952's canonical form: lower case, longest zero run compressed (<see cref="Ipv6TextFormat"/>).</summary>
    public override string ToString()
    {
        Span<char> text = stackalloc char[MaxLength];
        TryFormat(text, out var written);
        return new string(text[..written]);
    }

    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format = default, IFormatProvider? provider = null) =>
        Ipv6TextFormat.TryFormat(Value, destination, out charsWritten);
}
