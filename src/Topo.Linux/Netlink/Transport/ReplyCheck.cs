using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.Messages;

namespace Topo.Linux.Netlink.Transport;

/// <summary>
/// Turns an NLMSG_ERROR or NLMSG_DONE into the failure it carries, as mdlayher/netlink's
/// checkMessage does: an errno in NLMSG_DONE fails the dump (the kernel ends a dump it could not
/// finish that way); the extended ACK's message and offset are read when present, the offset
/// named as the attribute of our request it points at; ack attributes that do not parse never
/// hide the errno (the errno is the fact; the attributes are commentary).
/// </summary>
internal static class ReplyCheck
{
    private const int ErrorField = sizeof(int);

    /// <summary>
    /// Null for a plain ACK (error 0) or a clean NLMSG_DONE. <paramref name="request"/> is the
    /// request as we sent it (for the offset), or empty when unknown.
    /// </summary>
    public static NetlinkException? Check(ReadOnlySpan<byte> payload, NetlinkHeader header, string operation, ReadOnlySpan<byte> request)
    {
        var done = header.Type == NetlinkMessageType.Done;
        if (done && payload.Length < ErrorField) return null; // a DONE without the errno field: old kernels, success
        if (payload.Length < ErrorField) ThrowHelper.Malformed("NLMSG_ERROR too short");
        var error = HostOrder.ReadInt32(payload);
        if (error == 0) return null;
        if (!done && payload.Length < ErrorField + NetlinkProtocol.HeaderSize && (header.Flags & NetlinkFlags.Capped) == 0)
        {
            // Too short to hold the request it should echo: keep the errno, drop the rest.
            return new NetlinkException(operation, -error, null, header.Sequence);
        }
        string? message = null;
        string? attribute = null;
        if ((header.Flags & NetlinkFlags.AckTlvs) != 0)
        {
            var echoed = ReadOnlySpan<byte>.Empty;
            var tlvStart = ErrorField;
            if (!done)
            {
                // NLM_F_CAPPED: only the request's header is echoed; else all of it.
                var echoedLength = (header.Flags & NetlinkFlags.Capped) != 0
                    ? NetlinkProtocol.HeaderSize
                    : (int)Math.Min(HostOrder.ReadUInt32(payload[ErrorField..]), int.MaxValue / 2);
                tlvStart = ErrorField + NetlinkProtocol.Align(echoedLength);
                if ((header.Flags & NetlinkFlags.Capped) == 0 && tlvStart <= payload.Length) echoed = payload[ErrorField..tlvStart];
            }
            if (tlvStart <= payload.Length)
            {
                ReadAckAttributes(payload[tlvStart..], request.IsEmpty ? echoed : request, ref message, ref attribute);
            }
        }
        return new NetlinkException(operation, -error, message, header.Sequence, attribute);
    }

    private static void ReadAckAttributes(ReadOnlySpan<byte> tlvs, ReadOnlySpan<byte> request, ref string? message, ref string? attribute)
    {
        try
        {
            var reader = new AttributeReader(tlvs);
            while (reader.MoveNext())
            {
                switch (reader.Type)
                {
                    case NetlinkErrorAttribute.Message:
                        message = reader.String();
                        break;
                    case NetlinkErrorAttribute.Offset:
                        attribute = OffendingAttribute.Describe(request, reader.U32());
                        break;
                }
            }
        }
        catch (NetlinkParseException)
        {
            // Malformed commentary after a real errno: keep what was read and the errno.
        }
    }
}
