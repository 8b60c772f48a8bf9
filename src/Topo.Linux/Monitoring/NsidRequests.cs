using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.Messages;

namespace Topo.Linux.Monitoring;

/// <summary>RTM_GETNSID / RTM_NEWNSID: the id a peer namespace has in the namespace of the socket.</summary>
internal static class NsidRequests
{
    /// <summary>RTM_GETNSID for the namespace of <paramref name="namespaceFd"/> (`ip netns list-id`, one namespace).</summary>
    public static void EncodeGet(ref NetlinkWriter writer, int namespaceFd, uint sequence)
    {
        writer.BeginMessage(NsidMessage.Get, NetlinkFlags.Request, sequence);
        writer.FixedHeader(NsidMessage.HeaderSize)[0] = AddressFamily.Unspecified;
        writer.WriteU32(NsidMessage.AttributeFd, (uint)namespaceFd);
        writer.EndMessage();
    }

    /// <summary>RTM_NEWNSID with NETNSA_NSID -1: let the kernel pick an id (`ip netns set NAME auto`).</summary>
    public static void EncodeAssign(ref NetlinkWriter writer, int namespaceFd, uint sequence)
    {
        writer.BeginMessage(NsidMessage.New, NetlinkFlags.Request | NetlinkFlags.Ack, sequence);
        writer.FixedHeader(NsidMessage.HeaderSize)[0] = AddressFamily.Unspecified;
        writer.WriteU32(NsidMessage.AttributeFd, (uint)namespaceFd);
        writer.WriteI32(NsidMessage.AttributeNsid, NsidMessage.NotAssigned);
        writer.EndMessage();
    }

    /// <summary>The NETNSA_NSID of an RTM_NEWNSID reply body; <see cref="NsidMessage.NotAssigned"/> when there is none.</summary>
    public static int DecodeReply(ReadOnlySpan<byte> payload)
    {
        var header = NetlinkProtocol.Align(NsidMessage.HeaderSize);
        if (payload.Length < header) ThrowHelper.Malformed($"rtgenmsg needs {header} bytes, got {payload.Length}");
        var reader = new AttributeReader(payload[header..]);
        while (reader.MoveNext())
        {
            if (reader.Type == NsidMessage.AttributeNsid) return reader.I32();
        }
        return NsidMessage.NotAssigned;
    }
}
