using System.Diagnostics.CodeAnalysis;

namespace Topo.Core.Addressing;

/// <summary>An address with a prefix length, of either family (see <see cref="IpAddress"/>).</summary>
public readonly record struct IpPrefix : IComparable<IpPrefix>, ISpanFormattable
{
    private readonly Ipv4Prefix v4;
    private readonly Ipv6Prefix v6;

    public IpPrefix(Ipv4Prefix prefix) => v4 = prefix;

    public IpPrefix(Ipv6Prefix prefix)
    {
        v6 = prefix;
        IsV6 = true;
    }

    public bool IsV6 { get; }

    public Ipv4Prefix V4 => IsV6 ? throw new InvalidOperationException($"{this} is an IPv6 prefix") : v4;

    public Ipv6Prefix V6 => IsV6 ? v6 : throw new InvalidOperationException($"{this} is an IPv4 prefix");

    public int Length => IsV6 ? v6.Length : v4.Length;

    public IpAddress Address => IsV6 ? v6.Address : v4.Address;

    public IpPrefix Network => IsV6 ? v6.Network : v4.Network;

    public static implicit operator IpPrefix(Ipv4Prefix prefix) => new(prefix);

    public static implicit operator IpPrefix(Ipv6Prefix prefix) => new(prefix);

    /// <summary>IPv4 before IPv6, then by address and length.</summary>
    public int CompareTo(IpPrefix other) =>
        IsV6 != other.IsV6 ? IsV6.CompareTo(other.IsV6) : IsV6 ? v6.CompareTo(other.v6) : v4.CompareTo(other.v4);

    public static IpPrefix Parse(string text) =>
        TryParse(text, out var prefix) ? prefix : throw new FormatException($"'{text}' is not an IP prefix (address/len)");

    public static bool TryParse([NotNullWhen(true)] string? text, out IpPrefix prefix)
    {
        prefix = default;
        if (Ipv4Prefix.TryParse(text, out var p4)) prefix = p4;
        else if (Ipv6Prefix.TryParse(text, out var p6)) prefix = p6;
        else return false;
        return true;
    }

    public override string ToString() => IsV6 ? v6.ToString() : v4.ToString();

    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    // Resource keys and plan lines interpolate these: through the family's own span formatting, no string in between.
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format = default, IFormatProvider? provider = null) =>
        IsV6 ? v6.TryFormat(destination, out charsWritten, format, provider) : v4.TryFormat(destination, out charsWritten, format, provider);
}
