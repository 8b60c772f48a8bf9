namespace Topo.Core.Addressing;

/// <summary>
/// IPv6 text, character for character what System.Net.IPAddress writes (RFC 5952: lower-case hex
/// without leading zeros, the longest run of two or more zero groups — the first of equal runs —
/// as "::"; a dotted IPv4 tail for ::a.b.c.d, ::ffff:a.b.c.d, ::ffff:0:a.b.c.d and ISATAP's
/// …:0:5efe:a.b.c.d), written into the caller's span. Going through IPAddress allocated an
/// IPAddress, its ushort array and a string per address: a dual-stack ruleset formats thousands.
/// </summary>
internal static class Ipv6TextFormat
{
    private const int Groups = 8;

    public static bool TryFormat(UInt128 value, Span<char> destination, out int charsWritten)
    {
        Span<ushort> groups = stackalloc ushort[Groups];
        for (var i = 0; i < Groups; i++) groups[i] = (ushort)(value >> (112 - 16 * i));

        Span<char> text = stackalloc char[Ipv6Address.MaxLength];
        int length;
        if (HasIpv4Tail(groups))
        {
            length = WriteGroups(groups[..6], text);
            if (text[length - 1] != ':') text[length++] = ':';
            new Ipv4Address((uint)value).TryFormat(text[length..], out var tail);
            length += tail;
        }
        else
        {
            length = WriteGroups(groups, text);
        }

        charsWritten = 0;
        if (length > destination.Length) return false;
        text[..length].CopyTo(destination);
        charsWritten = length;
        return true;
    }

    /// <summary>IPAddress's rule for a dotted tail (IPv4-compatible, mapped, SIIT, ISATAP).</summary>
    private static bool HasIpv4Tail(ReadOnlySpan<ushort> g)
    {
        if (g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[6] != 0)
        {
            if (g[4] == 0 && (g[5] == 0 || g[5] == 0xFFFF)) return true;
            if (g[4] == 0xFFFF && g[5] == 0) return true;
        }
        return g[4] == 0 && g[5] == 0x5EFE;
    }

    private static int WriteGroups(ReadOnlySpan<ushort> groups, Span<char> text)
    {
        var (zeroStart, zeroEnd) = LongestZeroRun(groups);
        var at = 0;
        for (var i = 0; i < groups.Length; i++)
        {
            if (i == zeroStart)
            {
                text[at++] = ':';
                text[at++] = ':';
                i = zeroEnd - 1;
                continue;
            }
            if (i > 0 && text[at - 1] != ':') text[at++] = ':';
            at += WriteHex(groups[i], text[at..]);
        }
        return at;
    }

    /// <summary>[start, end) of the first longest run of at least two zero groups; (-1, -1) if none.</summary>
    private static (int Start, int End) LongestZeroRun(ReadOnlySpan<ushort> groups)
    {
        int bestStart = -1, bestLength = 1, runLength = 0;
        for (var i = 0; i < groups.Length; i++)
        {
            runLength = groups[i] == 0 ? runLength + 1 : 0;
            if (runLength > bestLength)
            {
                bestLength = runLength;
                bestStart = i - runLength + 1;
            }
        }
        return bestStart < 0 ? (-1, -1) : (bestStart, bestStart + bestLength);
    }

    private static int WriteHex(ushort value, Span<char> text)
    {
        var digits = value >= 0x1000 ? 4 : value >= 0x100 ? 3 : value >= 0x10 ? 2 : 1;
        for (var d = digits - 1; d >= 0; d--)
        {
            text[d] = "0123456789abcdef"[value & 0xF];
            value >>= 4;
        }
        return digits;
    }
}
