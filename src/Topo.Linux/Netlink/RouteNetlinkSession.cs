using Topo.Core.Addressing;
using Topo.Core.Host;
using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.LinkKinds;
using Topo.Linux.Netlink.Messages;
using Topo.Linux.Netlink.Transport;

namespace Topo.Linux.Netlink;

/// <summary>
/// The rtnetlink operations topo needs, over one socket (so in one namespace). Write requests
/// are counted, so a test can prove that a no-op apply sent none. Each is sent and acked before
/// the next: the applier needs the outcome of one (an index, an error to undo) before it builds the next.
/// </summary>
internal sealed class RouteNetlinkSession : IDisposable
{
    private const NetlinkFlags CreateFlags = NetlinkFlags.Request | NetlinkFlags.Ack | NetlinkFlags.Create | NetlinkFlags.Excl;
    private const NetlinkFlags ChangeFlags = NetlinkFlags.Request | NetlinkFlags.Ack;

    private const uint RtextFilterSkipStats = 1 << 3;

    private readonly NetlinkSocket _socket;
    private readonly MessageBuffer _queue = new(1 << 10);
    private readonly List<string> _operations = [];
    private readonly MessageBuffer _scratch = new(256);

    public RouteNetlinkSession(NetlinkSocket socket) => _socket = socket;

    /// <summary>Write requests sent.</summary>
    public long WriteRequests { get; private set; }

    public List<LinkMessage> DumpLinks()
    {
        _scratch.Clear();
        var w = new NetlinkWriter(_scratch);
        w.BeginMessage(RtmType.GetLink, NetlinkFlags.Request | NetlinkFlags.Dump, 0);
        w.FixedHeader(RtnlHeaderSize.IfInfo);
        // RTEXT_FILTER_SKIP_STATS: no counters (most of each link's bytes); older kernels ignore the bit.
        w.WriteU32(Ifla.ExtMask, RtextFilterSkipStats);
        w.EndMessage();
        return _socket.Dump(_scratch, "dump links", RtmType.NewLink, LinkMessage.DecodeObserved);
    }

    /// <summary>Addresses of both families (one dump: AF_UNSPEC asks every family), or of one family on one link.</summary>
    public List<AddressMessage> DumpAddresses(byte family = AddressFamily.Unspecified, int index = 0) =>
        DumpAddresses(family, index, AddressMessage.Decode);

    /// <summary>
    /// Every address topo models: the kernel's own (IPv6 link-local, ::1) are skipped undecoded.
    /// The kernel cannot leave them out (an address dump filters by link only).
    /// </summary>
    public List<AddressMessage> DumpModelledAddresses() => DumpAddresses(AddressFamily.Unspecified, 0, AddressMessage.DecodeModelled);

    private List<AddressMessage> DumpAddresses(byte family, int index, Func<ReadOnlySpan<byte>, AddressMessage?> decode)
    {
        _scratch.Clear();
        var w = new NetlinkWriter(_scratch);
        // Strict checking lets the kernel filter by ifa_index.
        new AddressMessage { Family = family, Index = index }.Encode(ref w, RtmType.GetAddress, NetlinkFlags.Request | NetlinkFlags.Dump, 0);
        var addresses = _socket.Dump(_scratch, "dump addresses", RtmType.NewAddress, decode);
        addresses.RemoveAll(a => IpSizes.Of(a.Family) == 0);
        return addresses;
    }

    /// <summary>
    /// IPv4 and IPv6 routes of the main table, in one dump (strict checking makes the kernel filter
    /// by table; AF_UNSPEC asks every family, and multicast-routing families are dropped here).
    /// </summary>
    public List<RouteMessage> DumpRoutes() => DumpRoutes(RouteType.Unspecified, RouteMessage.Decode);

    /// <summary>
    /// The main table's routes topo models: the kernel leaves out all but unicast (rtm_type is a
    /// dump filter under strict checking), and the kernel's own (proto kernel) are skipped
    /// undecoded (the protocol filter can only ask for one protocol, not leave one out).
    /// </summary>
    public List<RouteMessage> DumpModelledRoutes() => DumpRoutes(RouteType.Unicast, RouteMessage.DecodeModelled);

    private List<RouteMessage> DumpRoutes(RouteType type, Func<ReadOnlySpan<byte>, RouteMessage?> decode)
    {
        _scratch.Clear();
        var w = new NetlinkWriter(_scratch);
        new RouteMessage { Family = AddressFamily.Unspecified, Table = RouteTable.Main, Protocol = RouteProtocol.Unspecified, Type = type }
            .Encode(ref w, RtmType.GetRoute, NetlinkFlags.Request | NetlinkFlags.Dump, 0);
        List<RouteMessage> routes;
        try
        {
            routes = _socket.Dump(_scratch, "dump routes", RtmType.NewRoute, decode);
        }
        catch (NetlinkException e) when (e.Errno == Tmds.Linux.LibC.ENOENT)
        {
            // "FIB table does not exist", carried in NLMSG_DONE: a namespace that never had a route
            // has no main table yet. No table, no routes (iproute2 reads it the same way).
            return [];
        }
        routes.RemoveAll(r => r.EffectiveTable != RouteTable.Main || IpSizes.Of(r.Family) == 0);
        return routes;
    }

    /// <summary>One link by name; null if there is none.</summary>
    public LinkMessage? GetLink(string name)
    {
        _scratch.Clear();
        var w = new NetlinkWriter(_scratch);
        new LinkMessage { Name = name }.Encode(ref w, RtmType.GetLink, NetlinkFlags.Request, _socket.NextSequence());
        try
        {
            return LinkMessage.DecodeBody(_socket.Get(_scratch, $"get link {name}"));
        }
        catch (NetlinkException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    /// <summary>One link by name as a dump gives it (no counters, unknown attributes not kept); null if there is none.</summary>
    public LinkMessage? GetObservedLink(string name)
    {
        _scratch.Clear();
        var w = new NetlinkWriter(_scratch);
        w.BeginMessage(RtmType.GetLink, NetlinkFlags.Request, _socket.NextSequence());
        w.FixedHeader(RtnlHeaderSize.IfInfo);
        w.WriteU32(Ifla.ExtMask, RtextFilterSkipStats);
        w.WriteString(Ifla.IfName, name);
        w.EndMessage();
        try
        {
            return LinkMessage.DecodeObserved(_socket.Get(_scratch, $"get link {name}"));
        }
        catch (NetlinkException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    /// <summary>RTM_NEWLINK with NLM_F_CREATE|NLM_F_EXCL: a new link (any kind; the driver data says which).</summary>
    /// <remarks>A kernel without the kind's support raises <see cref="KernelFeatureMissingException"/>.</remarks>
    public void CreateLink(LinkMessage link, string operation)
    {
        try
        {
            Write(link, RtmType.NewLink, CreateFlags, operation);
        }
        catch (NetlinkException e) when (e.IsNotSupported && link.Kind is { } kind && LinkKindRegistry.Find(kind) is { } driver)
        {
            throw new KernelFeatureMissingException(driver.KernelFeature, link.Name ?? kind, e);
        }
    }

    /// <summary>RTM_NEWLINK on an existing link (by index or name): only the attributes set change.</summary>
    public void ChangeLink(LinkMessage link, string operation) => Write(link, RtmType.NewLink, ChangeFlags, operation);

    /// <summary>Moves a link (by name) into the namespace of <paramref name="namespaceFd"/>.</summary>
    public void MoveLink(string name, int namespaceFd, string operation) =>
        Write(new LinkMessage { Name = name, NetNsFd = namespaceFd }, RtmType.NewLink, ChangeFlags, operation);

    public void DeleteLink(int index, string operation) =>
        Write(new LinkMessage { Index = index }, RtmType.DelLink, ChangeFlags, operation);

    public void DeleteLink(string name, string operation) =>
        Write(new LinkMessage { Name = name }, RtmType.DelLink, ChangeFlags, operation);

    /// <summary>Bridge port flags: RTM_SETLINK, family AF_BRIDGE, IFLA_PROTINFO (nested), as `bridge link set` sends them.</summary>
    public void SetBridgePort(int index, bool? isolated, bool? hairpin, string operation)
    {
        var message = new LinkMessage
        {
            Family = AddressFamily.Bridge,
            Index = index,
            ProtInfo = BridgePortInfo.Create(isolated, hairpin),
        };
        Write(message, RtmType.SetLink, ChangeFlags, operation);
    }

    /// <summary>Adds an address topo owns (an IPv6 one without duplicate-address detection: <see cref="AddressMessage.ForPrefix"/>).</summary>
    public void AddAddress(int index, IpPrefix address, string operation) =>
        Write(AddressMessage.ForPrefix(index, address), RtmType.NewAddress, CreateFlags, operation);

    public void DeleteAddress(int index, IpPrefix address, string operation) =>
        Write(AddressMessage.ForPrefix(index, address), RtmType.DelAddress, ChangeFlags, operation);

    public void AddRoute(RouteMessage route, bool replace, string operation) =>
        Write(route, RtmType.NewRoute, replace ? ChangeFlags | NetlinkFlags.Create | NetlinkFlags.Replace : CreateFlags, operation);

    public void DeleteRoute(RouteMessage route, string operation) =>
        Write(route, RtmType.DelRoute, ChangeFlags, operation);

    /// <summary>Sends the request just written and waits for its ack.</summary>
    private void Send()
    {
        if (_queue.MessageCount == 0) return;
        try
        {
            WriteRequests += _queue.MessageCount;
            _socket.Execute(_queue, _operations);
        }
        finally
        {
            _queue.Clear();
            _operations.Clear();
        }
    }

    private void Write(LinkMessage m, ushort type, NetlinkFlags flags, string op)
    {
        var w = new NetlinkWriter(_queue);
        m.Encode(ref w, type, flags, _socket.NextSequence());
        Queued(op);
    }

    private void Write(AddressMessage m, ushort type, NetlinkFlags flags, string op)
    {
        var w = new NetlinkWriter(_queue);
        m.Encode(ref w, type, flags, _socket.NextSequence());
        Queued(op);
    }

    private void Write(RouteMessage m, ushort type, NetlinkFlags flags, string op)
    {
        var w = new NetlinkWriter(_queue);
        m.Encode(ref w, type, flags, _socket.NextSequence());
        Queued(op);
    }

    private void Queued(string operation)
    {
        _operations.Add(operation);
        Send();
    }

    public void Dispose() => _socket.Dispose();
}
