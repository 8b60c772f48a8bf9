using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Topo.Core.Addressing;

/// <summary>
/// An IPv6 address with a prefix length. As a subnet the host bits are zero; as an interface
/// address (<c>fd00:1::2/64</c>) they are not — <see cref="Network"/> gives the subnet.
/// </summary>
public readonly record struct Ipv6Prefix(Ipv6Address Address, int Length) : IComparable<Ipv6Prefix>, ISpanFormattable
{
    public UInt128 Mask => Length == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - Length);

    public Ipv6Prefix Network => new(new Ipv6Address(Address.Value & Mask), Length);

    public bool IsNetwork => (Address.Value & ~Mask) == UInt128.Zero;

    public Ipv6Address First => new(Address.Value & Mask);

    public Ipv6Address Last => new((Address.Value & Mask) | ~Mask);

    public bool Contains(Ipv6Address address) => (address.Value & Mask) == (Address.Value & Mask);

    public bool Contains(Ipv6Prefix other) => other.Length >= Length && Contains(other.Address);

    public bool Overlaps(Ipv6Prefix other) => Contains(other.First) || other.Contains(First);

    public int CompareTo(Ipv6Prefix other)
    {
        var c = Address.CompareTo(other.Address);
        return c != 0 ? c : Length.CompareTo(other.Length);
    }

    public static Ipv6Prefix Parse(string text) =>
        TryParse(text, out var prefix) ? prefix : throw new FormatException($"'{text}' is not an IPv6 prefix (address/len)");

    public static bool TryParse([NotNullWhen(true)] string? text, out Ipv6Prefix prefix)
    {
        prefix = default;
        if (text is null) return false;
        var slash = text.IndexOf('/');
        if (slash < 0) return false;
        var lengthText = text[(slash + 1)..];
        if (lengthText.Length is 0 or > 3 || !lengthText.All(char.IsAsciiDigit)) return false;
        var length = int.Parse(lengthText, CultureInfo.InvariantCulture);
        if (length > 128 || !Ipv6Address.TryParse(text[..slash], out var address)) return false;
        prefix = new Ipv6Prefix(address, length);
        return true;
    }

    public override string ToString()
    {
        Span<char> text = stackalloc char[Ipv6Address.MaxLength + 4];
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
