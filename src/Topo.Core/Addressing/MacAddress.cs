using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Topo.Core.Addressing;

/// <summary>A 48-bit Ethernet address, held in the low bits of a ulong.</summary>
public readonly record struct MacAddress(ulong Value)
{
    /// <summary>Docker's scheme: 02:42 followed by the four bytes of the IPv4 address.</summary>
    public static MacAddress FromIpv4(Ipv4Address address) => new(0x0242_0000_0000UL | address.Value);

    public void WriteBytes(Span<byte> destination)
    {
        for (var i = 0; i < 6; i++) destination[i] = (byte)(Value >> (40 - 8 * i));
    }

    public static MacAddress FromBytes(ReadOnlySpan<byte> source)
    {
        ulong value = 0;
        for (var i = 0; i < 6; i++) value = (value << 8) | source[i];
        return new MacAddress(value);
    }

    public static bool TryParse([NotNullWhen(true)] string? text, out MacAddress mac)
    {
        mac = default;
        if (text is null) return false;
        var parts = text.Split(':');
        if (parts.Length != 6) return false;
        ulong value = 0;
        foreach (var part in parts)
        {
            if (part.Length != 2 || !byte.TryParse(part, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b)) return false;
            value = (value << 8) | b;
        }
        mac = new MacAddress(value);
        return true;
    }

    public static MacAddress Parse(string text) =>
        TryParse(text, out var mac) ? mac : throw new FormatException($"'{text}' is not a MAC address");

    public override string ToString()
    {
        Span<byte> b = stackalloc byte[6];
        WriteBytes(b);
        return string.Create(CultureInfo.InvariantCulture, $"{b[0]:x2}:{b[1]:x2}:{b[2]:x2}:{b[3]:x2}:{b[4]:x2}:{b[5]:x2}");
    }
}
