using System.Diagnostics.CodeAnalysis;

namespace Topo.Core.Addressing;

/// <summary>
/// An address of either family, for the model's resources that hold both (addresses, routes).
/// Code that only makes sense for one family (IPv4 pools, the IPv4 firewall) keeps the
/// family's own type and asks for <see cref="V4"/> or <see cref="V6"/>.
/// </summary>
public readonly record struct IpAddress : IComparable<IpAddress>, ISpanFormattable
{
    private readonly Ipv4Address v4;
    private readonly Ipv6Address v6;

    public IpAddress(Ipv4Address address) => v4 = address;

    public IpAddress(Ipv6Address address)
    {
        v6 = address;
        IsV6 = true;
    }

    public bool IsV6 { get; }

    public Ipv4Address V4 => IsV6 ? throw new InvalidOperationException($"{this} is an IPv6 address") : v4;

    public Ipv6Address V6 => IsV6 ? v6 : throw new InvalidOperationException($"{this} is an IPv4 address");

    public static implicit operator IpAddress(Ipv4Address address) => new(address);

    public static implicit operator IpAddress(Ipv6Address address) => new(address);

    /// <summary>IPv4 before IPv6, then by value.</summary>
    public int CompareTo(IpAddress other) =>
        IsV6 != other.IsV6 ? IsV6.CompareTo(other.IsV6) : IsV6 ? v6.CompareTo(other.v6) : v4.CompareTo(other.v4);

    public static IpAddress Parse(string text) =>
        TryParse(text, out var address) ? address : throw new FormatException($"'{text}' is not an IP address");

    public static bool TryParse([NotNullWhen(true)] string? text, out IpAddress address)
    {
        address = default;
        if (Ipv4Address.TryParse(text, out var a4)) address = a4;
        else if (Ipv6Address.TryParse(text, out var a6)) address = a6;
        else return false;
        return true;
    }

    public override string ToString() => IsV6 ? v6.ToString() : v4.ToString();

    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    // Resource keys and plan lines interpolate these: through the family's own span formatting, no string in between.
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format = default, IFormatProvider? provider = null) =>
        IsV6 ? v6.TryFormat(destination, out charsWritten, format, provider) : v4.TryFormat(destination, out charsWritten, format, provider);
}
