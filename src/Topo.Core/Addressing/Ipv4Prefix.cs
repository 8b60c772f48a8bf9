using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Topo.Core.Addressing;

/// <summary>
/// An address with a prefix length. As a subnet the host bits are zero; as an interface
/// address (<c>192.168.1.10/24</c>) they are not — <see cref="Network"/> gives the subnet.
/// </summary>
public readonly record struct Ipv4Prefix(Ipv4Address Address, int Length) : IComparable<Ipv4Prefix>, ISpanFormattable
{
    public uint Mask => Length == 0 ? 0u : uint.MaxValue << (32 - Length);

    public Ipv4Prefix Network => new(new Ipv4Address(Address.Value & Mask), Length);

    public bool IsNetwork => (Address.Value & ~Mask) == 0;

    public Ipv4Address First => new(Address.Value & Mask);

    public Ipv4Address Last => new((Address.Value & Mask) | ~Mask);

    public ulong Size => 1UL << (32 - Length);

    public bool Contains(Ipv4Address address) => (address.Value & Mask) == (Address.Value & Mask);

    public bool Contains(Ipv4Prefix other) => other.Length >= Length && Contains(other.Address);

    public bool Overlaps(Ipv4Prefix other) => Contains(other.First) || other.Contains(First);

    public int CompareTo(Ipv4Prefix other)
    {
        var c = Address.CompareTo(other.Address);
        return c != 0 ? c : Length.CompareTo(other.Length);
    }

    public static Ipv4Prefix Parse(string text) =>
        TryParse(text, out var prefix) ? prefix : throw new FormatException($"'{text}' is not an IPv4 prefix (a.b.c.d/len)");

    public static bool TryParse([NotNullWhen(true)] string? text, out Ipv4Prefix prefix)
    {
        prefix = default;
        if (text is null) return false;
        var slash = text.IndexOf('/');
        if (slash < 0) return false;
        var lengthText = text[(slash + 1)..];
        if (lengthText.Length is 0 or > 2 || !lengthText.All(char.IsAsciiDigit)) return false;
        var length = int.Parse(lengthText, CultureInfo.InvariantCulture);
        if (length > 32 || !Ipv4Address.TryParse(text[..slash], out var address)) return false;
        prefix = new Ipv4Prefix(address, length);
        return true;
    }

    public override string ToString()
    {
        Span<char> text = stackalloc char[Ipv4Address.MaxLength + 3];
        TryFormat(text, out var written);
        return new string(text[..written]);
    }

    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format = default, IFormatProvider? provider = null)
    {
        charsWritten = 0;
        if (!Address.TryFormat(destination, out var address) || address >= destination.Length) return false;
        destination[address] = '/';
        if (!Length.TryFormat(destination[(address + 1)..], out var length, default, CultureInfo.InvariantCulture)) return false;
        charsWritten = address + 1 + length;
        return true;
    }
}
