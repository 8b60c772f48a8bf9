using ARSoft.Tools.Net;
using Topo.Core.Addressing;

namespace Topo.Linux.Dns;

/// <summary>
/// A name under ip6.arpa, read as the IPv6 prefix its trailing nibble labels spell (RFC 3596:
/// <c>2.0.0.0…1.0.0.0.0.0.d.f.ip6.arpa</c> → fd00:1::2/128, 4 bits a label), plus how many
/// labels stand left of them.
/// </summary>
internal readonly record struct ReverseName6(Ipv6Prefix Prefix, int ExtraLabels)
{
    public static ReverseName6? Of(DomainName name)
    {
        var labels = name.Labels;
        var n = labels.Length;
        if (n < 3 || !Is(labels[n - 1], "arpa") || !Is(labels[n - 2], "ip6")) return null;
        UInt128 address = 0;
        var nibbles = 0;
        // labels[n - 3] is the first (most significant) nibble, then leftwards.
        for (var i = n - 3; i >= 0 && nibbles < 32; i--)
        {
            if (labels[i].Length != 1 || !char.IsAsciiHexDigit(labels[i][0])) break;
            address |= (UInt128)Convert.ToByte(labels[i], 16) << (124 - 4 * nibbles);
            nibbles++;
        }
        if (nibbles == 0) return null;
        return new ReverseName6(new Ipv6Prefix(new Ipv6Address(address), 4 * nibbles), n - 2 - nibbles);
    }

    /// <summary>A whole address, nothing more: 32 nibbles.</summary>
    public bool IsAddress => Prefix.Length == 128 && ExtraLabels == 0;

    private static bool Is(string label, string expected) => string.Equals(label, expected, StringComparison.OrdinalIgnoreCase);
}
