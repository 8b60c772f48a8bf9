using ARSoft.Tools.Net;
using Topo.Core.Addressing;

namespace Topo.Linux.Dns;

/// <summary>
/// A name under in-addr.arpa, read as the IPv4 prefix its trailing octet labels spell
/// (<c>4.3.2.1.in-addr.arpa</c> → 1.2.3.4/32, <c>18.172.in-addr.arpa</c> → 172.18.0.0/16), plus
/// how many labels stand left of them.
/// </summary>
internal readonly record struct ReverseName(Ipv4Prefix Prefix, int ExtraLabels)
{
    /// <summary>The reverse name's parts, or null when <paramref name="name"/> is not under in-addr.arpa or has no octet label.</summary>
    public static ReverseName? Of(DomainName name)
    {
        var labels = name.Labels;
        var n = labels.Length;
        if (n < 3 || !Is(labels[n - 1], "arpa") || !Is(labels[n - 2], "in-addr")) return null;
        uint address = 0;
        var octets = 0;
        // labels[n - 3] is the first (most significant) octet, then leftwards.
        for (var i = n - 3; i >= 0 && octets < 4; i--)
        {
            if (!TryOctet(labels[i], out var octet)) break;
            address |= (uint)octet << (24 - 8 * octets);
            octets++;
        }
        if (octets == 0) return null;
        return new ReverseName(new Ipv4Prefix(new Ipv4Address(address), 8 * octets), n - 2 - octets);
    }

    /// <summary>A whole address, nothing more: <c>d.c.b.a.in-addr.arpa</c>.</summary>
    public bool IsAddress => Prefix.Length == 32 && ExtraLabels == 0;

    private static bool Is(string label, string expected) => string.Equals(label, expected, StringComparison.OrdinalIgnoreCase);

    /// <summary>0–255 in decimal without leading zeros, as PTR names write octets.</summary>
    private static bool TryOctet(string label, out int value)
    {
        value = 0;
        if (label.Length is 0 or > 3 || (label.Length > 1 && label[0] == '0')) return false;
        foreach (var c in label)
        {
            if (c is < '0' or > '9') return false;
            value = value * 10 + (c - '0');
        }
        return value <= 255;
    }
}
