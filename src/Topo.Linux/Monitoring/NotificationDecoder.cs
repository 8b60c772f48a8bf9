using System.Text;
using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.Messages;

namespace Topo.Linux.Monitoring;

/// <summary>
/// Reads just enough of an rtnetlink or nftables notification to say what it was about. Works on
/// spans: the only allocations are the strings of the <see cref="KernelChange"/> it returns.
/// Malformed input raises <see cref="NetlinkParseException"/>, never anything else.
/// </summary>
internal static class NotificationDecoder
{
    /// <summary>Longest object text: an IPv6 address (at most 45 characters) with "/128 on " and a 15-byte label, or a route with a table.</summary>
    private const int MaxObjectChars = 96;

    /// <summary>
    /// Reads every message of an rtnetlink datagram from namespace <paramref name="ns"/> and hands
    /// each change to <paramref name="publish"/> (null: only count them). Returns the count.
    /// </summary>
    public static int RouteDatagram(ReadOnlySpan<byte> datagram, string ns, Action<KernelChange>? publish)
    {
        var count = 0;
        var reader = new NetlinkMessageReader(datagram);
        while (reader.MoveNext())
        {
            if (DecodeRoute(reader.Header.Type, reader.Payload, ns) is not { } change) continue;
            count++;
            publish?.Invoke(change);
        }
        return count;
    }

    /// <summary>Like <see cref="RouteDatagram"/> for an nftables datagram: only tables whose name starts with <paramref name="prefix"/>.</summary>
    public static int FirewallDatagram(ReadOnlySpan<byte> datagram, ReadOnlySpan<byte> prefix, Action<KernelChange>? publish) =>
        FirewallDatagram(datagram, prefix, [], publish);

    /// <param name="alsoTable">A table reported besides those with the prefix (Docker's <c>filter</c>, where topo keeps rules in DOCKER-USER); empty: none.</param>
    /// <param name="anyChainOrRule">Also chains and rules of every other table (not sets or elements): another firewall's forward chain may drop topo's traffic.</param>
    public static int FirewallDatagram(ReadOnlySpan<byte> datagram, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> alsoTable, Action<KernelChange>? publish,
        bool anyChainOrRule = false)
    {
        var count = 0;
        var reader = new NetlinkMessageReader(datagram);
        while (reader.MoveNext())
        {
            if (!TryReadNftables(reader.Header.Type, reader.Payload, out var action, out var table)) continue;
            if (!table.StartsWith(prefix) && !(alsoTable.Length > 0 && table.SequenceEqual(alsoTable)) &&
                !(anyChainOrRule && IsChainOrRule(reader.Header.Type & 0xFF))) continue;
            count++;
            publish?.Invoke(new KernelChange(KernelChangeKind.Firewall, action, "", Utf8(table)));
        }
        return count;
    }

    /// <summary>NFT_MSG_NEWCHAIN, DELCHAIN, NEWRULE, DELRULE, DESTROYCHAIN (27), DESTROYRULE (28).</summary>
    private static bool IsChainOrRule(int message) =>
        message is NftMessage.NewChain or NftMessage.DelChain or NftMessage.NewRule or NftMessage.DelRule or 27 or 28;

    /// <summary>The kind and action of an rtnetlink message type we listen for; false for anything else.</summary>
    public static bool TryClassifyRoute(ushort type, out KernelChangeKind kind, out KernelChangeAction action)
    {
        (kind, action) = type switch
        {
            RtmType.NewLink => (KernelChangeKind.Link, KernelChangeAction.New),
            RtmType.DelLink => (KernelChangeKind.Link, KernelChangeAction.Deleted),
            RtmType.NewAddress => (KernelChangeKind.Address, KernelChangeAction.New),
            RtmType.DelAddress => (KernelChangeKind.Address, KernelChangeAction.Deleted),
            RtmType.NewRoute => (KernelChangeKind.Route, KernelChangeAction.New),
            RtmType.DelRoute => (KernelChangeKind.Route, KernelChangeAction.Deleted),
            _ => (KernelChangeKind.Overflow, KernelChangeAction.Changed),
        };
        return kind != KernelChangeKind.Overflow;
    }

    /// <summary>
    /// Decodes an rtnetlink notification (payload after the nlmsghdr); null when it is not one we
    /// listen for, or only the kernel's own IPv6 housekeeping (<see cref="IsKernelIpv6"/>).
    /// </summary>
    public static KernelChange? DecodeRoute(ushort type, ReadOnlySpan<byte> payload, string ns)
    {
        if (!TryClassifyRoute(type, out var kind, out var action)) return null;
        if (kind != KernelChangeKind.Link && IsKernelIpv6(kind, payload)) return null;
        if (kind == KernelChangeKind.Link)
        {
            var name = LinkName(payload);
            return new KernelChange(kind, action, ns, name ?? $"ifindex {HostOrder.ReadInt32(payload[4..])}") { LinkName = name };
        }
        return new KernelChange(kind, action, ns, kind == KernelChangeKind.Address ? AddressText(payload) : RouteText(payload));
    }

    /// <summary>
    /// What the kernel makes and refreshes by itself on every IPv6 link, and topo never models
    /// (the observer skips the same): link-local and loopback addresses (and SLAAC ones, whose
    /// lifetimes every router advertisement refreshes), routes it derives from
    /// addresses (proto kernel), learns from router advertisements (proto ra, refreshed with every
    /// advertisement), and non-unicast ones (multicast, local). Each would wake the watcher for a
    /// round that finds nothing to do.
    /// </summary>
    private static bool IsKernelIpv6(KernelChangeKind kind, ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty || payload[0] != AddressFamily.Inet6) return false;
        if (kind == KernelChangeKind.Address)
        {
            if (payload.Length < RtnlHeaderSize.IfAddr) return false; // malformed: AddressText says so
            ReadOnlySpan<byte> local = default, address = default;
            var reader = new AttributeReader(payload[RtnlHeaderSize.IfAddr..]);
            while (reader.MoveNext())
            {
                switch (reader.Type)
                {
                    case Ifa.Local: local = reader.Value; break;
                    case Ifa.Address: address = reader.Value; break;
                    case Ifa.Proto when reader.Value.Length >= 1 && reader.Value[0] is (byte)AddressProtocol.KernelLinkLocal or (byte)AddressProtocol.KernelLoopback or (byte)AddressProtocol.KernelRa:
                        return true;
                }
            }
            var a = local.IsEmpty ? address : local;
            if (a.Length != 16) return false;
            var ipv6 = Topo.Core.Addressing.Ipv6Address.FromBytes(a);
            return ipv6.IsLinkLocal || ipv6.IsLoopback;
        }
        if (payload.Length < RtnlHeaderSize.Rt) return false;
        var protocol = (RouteProtocol)payload[5];
        var routeType = (RouteType)payload[7];
        return protocol is RouteProtocol.Kernel or RouteProtocol.Ra || routeType != RouteType.Unicast;
    }

    /// <summary>IFLA_IFNAME; null when the message has none.</summary>
    private static string? LinkName(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < RtnlHeaderSize.IfInfo) ThrowHelper.Malformed($"ifinfomsg needs {RtnlHeaderSize.IfInfo} bytes, got {payload.Length}");
        var reader = new AttributeReader(payload[RtnlHeaderSize.IfInfo..]);
        while (reader.MoveNext())
        {
            if (reader.Type == Ifla.IfName) return Utf8(reader.Value);
        }
        return null;
    }

    private static string AddressText(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < RtnlHeaderSize.IfAddr) ThrowHelper.Malformed($"ifaddrmsg needs {RtnlHeaderSize.IfAddr} bytes, got {payload.Length}");
        var prefixLength = payload[1];
        ReadOnlySpan<byte> local = default, address = default, label = default;
        var reader = new AttributeReader(payload[RtnlHeaderSize.IfAddr..]);
        while (reader.MoveNext())
        {
            switch (reader.Type)
            {
                case Ifa.Local: local = reader.Value; break;
                case Ifa.Address: address = reader.Value; break;
                case Ifa.Label: label = reader.Value; break;
            }
        }
        Span<char> text = stackalloc char[MaxObjectChars];
        var n = WriteAddress(text, local.IsEmpty ? address : local);
        n += Write(text[n..], $"/{prefixLength} on ");
        if (label.IsEmpty) n += Write(text[n..], $"ifindex {HostOrder.ReadInt32(payload[4..])}");
        else n += WriteUtf8(text[n..], label);
        return new string(text[..n]);
    }

    private static string RouteText(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < RtnlHeaderSize.Rt) ThrowHelper.Malformed($"rtmsg needs {RtnlHeaderSize.Rt} bytes, got {payload.Length}");
        var destinationLength = payload[1];
        uint table = payload[4];
        ReadOnlySpan<byte> destination = default;
        var reader = new AttributeReader(payload[RtnlHeaderSize.Rt..]);
        while (reader.MoveNext())
        {
            switch (reader.Type)
            {
                case Rta.Destination: destination = reader.Value; break;
                case Rta.Table: table = reader.U32(); break;
            }
        }
        Span<char> text = stackalloc char[MaxObjectChars];
        int n;
        if (destinationLength == 0) n = Write(text, $"{(payload[0] == AddressFamily.Inet6 ? "::/0" : "default")}");
        else
        {
            n = WriteAddress(text, destination);
            n += Write(text[n..], $"/{destinationLength}");
        }
        if (table == RouteTableLocal) n += Write(text[n..], $" table local");
        else if (table != RouteTable.Main) n += Write(text[n..], $" table {table}");
        return new string(text[..n]);
    }

    /// <summary>RT_TABLE_LOCAL: where the kernel keeps the local and broadcast routes of each address.</summary>
    private const uint RouteTableLocal = 255;

    /// <summary>
    /// Finds the table an nftables notification is about. False for messages that name no table
    /// (NFT_MSG_NEWGEN, traces) and for other subsystems. The table name is a slice of
    /// <paramref name="payload"/>, without its NUL.
    /// </summary>
    public static bool TryReadNftables(ushort type, ReadOnlySpan<byte> payload, out KernelChangeAction action, out ReadOnlySpan<byte> table)
    {
        action = KernelChangeAction.Changed;
        table = default;
        if (type >> 8 != Nfnetlink.SubsystemNftables) return false;
        var message = type & 0xFF;
        switch (message)
        {
            case NftMessage.NewTable: action = KernelChangeAction.New; break;
            case NftMessage.DelTable or NftMessage.DestroyTable: action = KernelChangeAction.Deleted; break;
            case NftMessage.NewGeneration or NftMessage.Trace: return false;
            case > NftMessage.DestroyFlowtable: return false; // unknown: we cannot tell where the table is
        }
        if (payload.Length < Nfnetlink.HeaderSize) ThrowHelper.Malformed($"nfgenmsg needs {Nfnetlink.HeaderSize} bytes, got {payload.Length}");
        var reader = new AttributeReader(payload[Nfnetlink.HeaderSize..]);
        while (reader.MoveNext())
        {
            if (reader.Type != Nfnetlink.AttributeTable) continue;
            table = reader.Value;
            var nul = table.IndexOf((byte)0);
            if (nul >= 0) table = table[..nul];
            return true;
        }
        return false;
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static string Utf8(ReadOnlySpan<byte> value)
    {
        var nul = value.IndexOf((byte)0);
        if (nul >= 0) value = value[..nul];
        try
        {
            return StrictUtf8.GetString(value);
        }
        catch (ArgumentException e)
        {
            throw new NetlinkParseException("malformed netlink data: name is not UTF-8", e);
        }
    }

    private static int WriteUtf8(Span<char> into, ReadOnlySpan<byte> value)
    {
        var nul = value.IndexOf((byte)0);
        if (nul >= 0) value = value[..nul];
        try
        {
            if (StrictUtf8.GetCharCount(value) > into.Length) ThrowHelper.Malformed("name too long");
            return StrictUtf8.GetChars(value, into);
        }
        catch (ArgumentException e)
        {
            throw new NetlinkParseException("malformed netlink data: name is not UTF-8", e);
        }
    }

    private static int WriteAddress(Span<char> into, ReadOnlySpan<byte> address)
    {
        if (address.Length == 16) return Write(into, $"{Topo.Core.Addressing.Ipv6Address.FromBytes(address)}");
        if (address.Length != Ipv4Sizes.Address) ThrowHelper.Malformed($"IP address of {address.Length} bytes");
        return Write(into, $"{address[0]}.{address[1]}.{address[2]}.{address[3]}");
    }

    private static int Write(Span<char> into, [System.Runtime.CompilerServices.InterpolatedStringHandlerArgument(nameof(into))] MemoryExtensions.TryWriteInterpolatedStringHandler text)
    {
        if (!into.TryWrite(ref text, out var written)) ThrowHelper.Malformed("object text too long");
        return written;
    }
}
