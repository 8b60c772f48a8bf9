using System.Runtime.CompilerServices;
using ARSoft.Tools.Net.Dns;

namespace Topo.Linux.Dns;

/// <summary>
/// DNS wire format, through ARSoft.Tools.Net: parsing is its public <see cref="DnsMessage.Parse"/>;
/// encoding is the method its own DnsServer calls, <c>DnsMessageBase.Encode()</c>, which 3.6.1 keeps
/// internal — reached with [UnsafeAccessor] (no reflection, NativeAOT-safe; an upgrade that renames
/// it fails DnsCodecTests, not a user's query).
/// </summary>
internal static class DnsCodec
{
    /// <summary>Without EDNS, a UDP reply is at most this long (RFC 1035 §4.2.1).</summary>
    public const int ClassicUdpLimit = 512;

    /// <summary>The largest UDP reply the resolver sends, whatever a client claims to take.</summary>
    public const int MaxUdpReply = 4096;

    /// <summary>What the resolver advertises in its own OPT record (the DNS flag day 2020 value).</summary>
    public const ushort AdvertisedUdpSize = 1232;

    /// <summary>The message, or null when it does not parse.</summary>
    public static DnsMessage? TryParse(ArraySegment<byte> data)
    {
        try
        {
            return DnsMessage.Parse(data);
        }
        catch (Exception)
        {
            // Hostile or broken input: whatever the parser throws on it, the packet is dropped and
            // the loop goes on (DnsCodecTests feed it random and mutated packets).
            return null;
        }
    }

    public static byte[] Encode(DnsMessageBase message)
    {
        var segment = EncodeRaw(message).ToArraySegment(false);
        return segment.AsSpan().ToArray();
    }

    /// <summary>
    /// Encodes <paramref name="message"/> to fit in <paramref name="limit"/> bytes: while it does
    /// not, answers are dropped from the end and TC is set (RFC 2181 §9: the client asks again
    /// over TCP). Changes <paramref name="message"/>.
    /// </summary>
    public static byte[] EncodeWithin(DnsMessage message, int limit)
    {
        var encoded = Encode(message);
        while (encoded.Length > limit && message.AnswerRecords.Count > 0)
        {
            // Every answer of ours is the same size (A, or PTRs of similar names): cut what the
            // excess needs in one step, then check.
            var perRecord = Math.Max(1, (encoded.Length - HeaderAndQuestionLength(message)) / message.AnswerRecords.Count);
            var cut = Math.Clamp((encoded.Length - limit + perRecord - 1) / perRecord, 1, message.AnswerRecords.Count);
            message.AnswerRecords.RemoveRange(message.AnswerRecords.Count - cut, cut);
            message.IsTruncated = true;
            encoded = Encode(message);
        }
        return encoded;
    }

    private static int HeaderAndQuestionLength(DnsMessage message)
    {
        var length = 12;
        foreach (var q in message.Questions) length += q.Name.ToString().Length + 1 + 4;
        return length;
    }

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "Encode")]
    private static extern DnsRawPackage EncodeRaw(DnsMessageBase message);
}
