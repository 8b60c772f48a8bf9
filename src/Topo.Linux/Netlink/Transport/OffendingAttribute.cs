using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.Messages;

namespace Topo.Linux.Netlink.Transport;

/// <summary>
/// Names the attribute an extended ACK points at (NLMSGERR_ATTR_OFFS: a byte offset into the
/// request we sent, counted from its nlmsghdr). "Invalid argument" alone does not say which of a
/// veth's dozen attributes the kernel disliked; "IFLA_LINKINFO > IFLA_INFO_DATA > attribute 5" does.
/// Error path only: clarity over speed. Never throws: a wrong offset gives a plain description.
/// </summary>
internal static class OffendingAttribute
{
    private const int MaxDepth = 8;

    public static string Describe(ReadOnlySpan<byte> request, uint offset)
    {
        if (request.Length < NetlinkProtocol.HeaderSize || offset >= (uint)request.Length)
            return $"byte {offset} of the request, which is only {request.Length} bytes long";
        var messageLength = (int)Math.Min(HostOrder.ReadUInt32(request), (uint)request.Length);
        var type = HostOrder.ReadUInt16(request[4..]);
        var family = FamilyOf(type);
        var path = new List<string>();
        var start = NetlinkProtocol.HeaderSize + NetlinkProtocol.Align(FixedHeaderSize(family));
        if (offset < start) return $"the fixed header of the request (byte {offset})";
        if (Walk(request, start, messageLength, (int)offset, family, parent: null, path, depth: 0))
            return $"{string.Join(" > ", path)} (byte {offset} of the request)";
        return $"byte {offset} of the request (not the start of an attribute)";
    }

    /// <summary>Finds the attribute that starts at <paramref name="offset"/> within [start, end), descending into nests.</summary>
    private static bool Walk(ReadOnlySpan<byte> request, int start, int end, int offset, Family family, ushort? parent, List<string> path, int depth)
    {
        var position = start;
        while (position + NetlinkProtocol.AttributeHeaderSize <= end)
        {
            int length = HostOrder.ReadUInt16(request[position..]);
            if (length < NetlinkProtocol.AttributeHeaderSize || position + length > end) return false;
            var type = (ushort)(HostOrder.ReadUInt16(request[(position + 2)..]) & NetlinkProtocol.AttributeTypeMask);
            if (position == offset)
            {
                path.Add(Name(family, parent, depth, type));
                return true;
            }
            if (offset > position && offset < position + length)
            {
                if (depth + 1 >= MaxDepth) return false;
                path.Add(Name(family, parent, depth, type));
                return Walk(request, position + NetlinkProtocol.AttributeHeaderSize, position + length, offset, family, type, path, depth + 1);
            }
            position += NetlinkProtocol.Align(length);
        }
        return false;
    }

    private enum Family { Link, Address, Route, Other }

    private static Family FamilyOf(ushort messageType) => messageType switch
    {
        RtmType.NewLink or RtmType.DelLink or RtmType.GetLink or RtmType.SetLink => Family.Link,
        RtmType.NewAddress or RtmType.DelAddress or RtmType.GetAddress => Family.Address,
        RtmType.NewRoute or RtmType.DelRoute or RtmType.GetRoute => Family.Route,
        _ => Family.Other,
    };

    private static int FixedHeaderSize(Family family) => family switch
    {
        Family.Link => RtnlHeaderSize.IfInfo,
        Family.Address => RtnlHeaderSize.IfAddr,
        Family.Route => RtnlHeaderSize.Rt,
        _ => 4, // rtgenmsg padded (RTM_*NSID): the other messages topo sends
    };

    // Only the names topo sends; anything else is its number.
    private static string Name(Family family, ushort? parent, int depth, ushort type)
    {
        var name = (family, depth, parent) switch
        {
            (Family.Link, 0, _) => type switch
            {
                Ifla.Address => "IFLA_ADDRESS", Ifla.IfName => "IFLA_IFNAME", Ifla.Mtu => "IFLA_MTU", Ifla.Link => "IFLA_LINK",
                Ifla.Master => "IFLA_MASTER", Ifla.ProtInfo => "IFLA_PROTINFO", Ifla.LinkInfo => "IFLA_LINKINFO",
                Ifla.IfAlias => "IFLA_IFALIAS", Ifla.NetNsFd => "IFLA_NET_NS_FD", Ifla.ExtMask => "IFLA_EXT_MASK",
                _ => null,
            },
            (Family.Link, 1, Ifla.LinkInfo) => type switch
            {
                IflaInfo.Kind => "IFLA_INFO_KIND", IflaInfo.Data => "IFLA_INFO_DATA",
                IflaInfo.SlaveKind => "IFLA_INFO_SLAVE_KIND", IflaInfo.SlaveData => "IFLA_INFO_SLAVE_DATA",
                _ => null,
            },
            (Family.Address, 0, _) => type switch
            {
                Ifa.Address => "IFA_ADDRESS", Ifa.Local => "IFA_LOCAL", Ifa.Label => "IFA_LABEL",
                Ifa.Broadcast => "IFA_BROADCAST", Ifa.Flags => "IFA_FLAGS", _ => null,
            },
            (Family.Route, 0, _) => type switch
            {
                Rta.Destination => "RTA_DST", Rta.OutputInterface => "RTA_OIF", Rta.Gateway => "RTA_GATEWAY",
                Rta.Priority => "RTA_PRIORITY", Rta.PreferredSource => "RTA_PREFSRC", Rta.Table => "RTA_TABLE", _ => null,
            },
            _ => null,
        };
        return name ?? $"attribute {type}";
    }
}
