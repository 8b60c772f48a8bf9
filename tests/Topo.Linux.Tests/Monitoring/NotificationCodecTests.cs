using Topo.Linux.Monitoring;
using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.Messages;

namespace Topo.Linux.Tests.Monitoring;

/// <summary>Byte-level: the nsid requests we send, the notifications we read (captured fixtures).</summary>
public sealed class NotificationCodecTests
{
    private static readonly byte[] TopoPrefix = "topo-"u8.ToArray();

    private static List<KernelChange> Route(byte[] datagram, string ns = "")
    {
        var changes = new List<KernelChange>();
        var count = NotificationDecoder.RouteDatagram(datagram, ns, changes.Add);
        Assert.Equal(changes.Count, count);
        Assert.Equal(count, NotificationDecoder.RouteDatagram(datagram, ns, null)); // counting agrees with decoding
        return changes;
    }

    private static List<KernelChange> Firewall(byte[] datagram, byte[] prefix)
    {
        var changes = new List<KernelChange>();
        var count = NotificationDecoder.FirewallDatagram(datagram, prefix, changes.Add);
        Assert.Equal(changes.Count, count);
        Assert.Equal(count, NotificationDecoder.FirewallDatagram(datagram, prefix, null));
        return changes;
    }

    [Fact]
    public void Get_nsid_request_is_what_iproute2_sends()
    {
        // strace -xx ip netns list-id (iproute2 6.1.0), per-namespace query of `ip netns set`'s lookup:
        // {nlmsg_len=28, RTM_GETNSID, NLM_F_REQUEST, seq=1795879736, pid=0}, {AF_UNSPEC}, [NETNSA_FD, 6]
        var buffer = new MessageBuffer();
        var writer = new NetlinkWriter(buffer);
        NsidRequests.EncodeGet(ref writer, namespaceFd: 6, sequence: 1795879736);
        Assert.Equal("1C0000005A00010038F30A6B00000000" + "00000000" + "0800030006000000", Convert.ToHexString(buffer.Written));
    }

    [Fact]
    public void Assign_nsid_request_is_what_ip_netns_set_auto_sends()
    {
        // strace -xx ip netns set capx auto (iproute2 6.1.0):
        // {nlmsg_len=36, RTM_NEWNSID, NLM_F_REQUEST|NLM_F_ACK, seq=1795879736, pid=0}, {AF_UNSPEC},
        // [[NETNSA_FD, 6], [NETNSA_NSID, -1]]
        var buffer = new MessageBuffer();
        var writer = new NetlinkWriter(buffer);
        NsidRequests.EncodeAssign(ref writer, namespaceFd: 6, sequence: 1795879736);
        Assert.Equal("240000005800050038F30A6B00000000" + "00000000" + "0800030006000000" + "08000100FFFFFFFF", Convert.ToHexString(buffer.Written));
    }

    [Fact]
    public void Nsid_reply_is_decoded()
    {
        // RTM_NEWNSID reply body: rtgenmsg (padded) + NETNSA_NSID 3
        Assert.Equal(3, NsidRequests.DecodeReply(Convert.FromHexString("00000000" + "0800010003000000")));
        Assert.Equal(-1, NsidRequests.DecodeReply(Convert.FromHexString("00000000" + "08000100FFFFFFFF")));
        Assert.Equal(-1, NsidRequests.DecodeReply(Convert.FromHexString("00000000")));
        Assert.Throws<NetlinkParseException>(() => NsidRequests.DecodeReply(Convert.FromHexString("0000")));
    }

    [Fact]
    public void Deleted_link_is_named()
    {
        var change = Assert.Single(Route(MonitorFixtures.DelLinkHost));
        Assert.Equal(new KernelChange(KernelChangeKind.Link, KernelChangeAction.Deleted, "", "vethx") { LinkName = "vethx" }, change);
        Assert.Equal("link vethx deleted (host)", change.ToString());
    }

    [Fact]
    public void A_link_notification_without_a_name_says_so()
    {
        // RTM_DELLINK (17), len 32: ifinfomsg of ifindex 7 and no attributes.
        var datagram = Convert.FromHexString("20000000" + "1100" + "0000" + "00000000" + "00000000" + "0000" + "0000" + "07000000" + "00000000" + "00000000");
        var change = Assert.Single(Route(datagram));
        Assert.Null(change.LinkName);
        Assert.Equal("link ifindex 7 deleted (host)", change.ToString());
    }

    [Fact]
    public void Deleted_address_names_address_prefix_link_and_namespace()
    {
        var change = Assert.Single(Route(MonitorFixtures.DelAddressInNamespace, "web"));
        Assert.Equal(new KernelChange(KernelChangeKind.Address, KernelChangeAction.Deleted, "web", "172.18.0.2/16 on eth0"), change);
        Assert.Equal("address 172.18.0.2/16 on eth0 deleted (namespace web)", change.ToString());
    }

    [Fact]
    public void Deleted_routes_name_destination_and_table()
    {
        Assert.Equal("route 10.9.0.0/24 deleted (namespace web)", Assert.Single(Route(MonitorFixtures.DelRouteInNamespace, "web")).ToString());
        Assert.Equal("172.18.0.0/16", Assert.Single(Route(MonitorFixtures.DelPrefixRouteInNamespace, "web")).Object);
        Assert.Equal("172.18.255.255/32 table local", Assert.Single(Route(MonitorFixtures.DelBroadcastRouteInNamespace, "web")).Object);
    }

    [Fact]
    public void Nftables_table_and_rule_of_our_prefix_are_reported()
    {
        var table = Assert.Single(Firewall(MonitorFixtures.NewTable, TopoPrefix));
        Assert.Equal(new KernelChange(KernelChangeKind.Firewall, KernelChangeAction.New, "", "topo-x"), table);
        Assert.Equal("nftables table topo-x added", table.ToString());
        var rule = Assert.Single(Firewall(MonitorFixtures.NewRule, TopoPrefix));
        Assert.Equal("nftables table topo-x changed", rule.ToString());
    }

    [Fact]
    public void Flush_ruleset_reports_the_deleted_table()
    {
        var changes = Firewall(MonitorFixtures.FlushRuleset, TopoPrefix);
        Assert.Equal(3, changes.Count); // DELRULE, DELCHAIN, DELTABLE in one datagram
        Assert.All(changes, c => Assert.Equal("topo-x", c.Object));
        Assert.Equal("nftables table topo-x deleted", changes[^1].ToString());
    }

    [Fact]
    public void Other_tables_and_generation_messages_are_ignored()
    {
        Assert.Empty(Firewall(MonitorFixtures.NewGeneration, TopoPrefix));
        Assert.Empty(Firewall(MonitorFixtures.NewTable, "other"u8.ToArray()));
        Assert.Empty(Firewall(MonitorFixtures.FlushRuleset, "topo-xy"u8.ToArray()));
        Assert.Single(Firewall(MonitorFixtures.NewTable, "topo-x"u8.ToArray())); // the whole name is a prefix of itself
        // an rtnetlink datagram on the nftables path (different subsystem) and vice versa
        Assert.Empty(Firewall(MonitorFixtures.DelLinkHost, TopoPrefix));
        Assert.Empty(Route(MonitorFixtures.NewTable));
    }

    [Fact]
    public void Chains_and_rules_of_any_table_are_reported_when_asked_tables_alone_are_not()
    {
        // Another firewall's forward chain may drop topo's traffic: the watcher must look again.
        static int Count(byte[] datagram) => NotificationDecoder.FirewallDatagram(datagram, "mine-"u8, [], null, anyChainOrRule: true);
        Assert.Equal(1, Count(MonitorFixtures.NewRule));
        Assert.Equal(2, Count(MonitorFixtures.FlushRuleset)); // DELRULE, DELCHAIN; not DELTABLE
        Assert.Equal(0, Count(MonitorFixtures.NewTable));
        Assert.Equal(0, Count(MonitorFixtures.NewGeneration));
    }

    [Fact]
    public void Overflow_reads_as_a_resync()
    {
        Assert.Equal("overflow: events lost, full resync", KernelChange.Overflow.ToString());
    }

    [Fact]
    public void Nsid_control_message_is_read_with_the_kernel_layout()
    {
        // As recvmsg returned it for a notification from namespace "web" (nsid 0): cmsg_len 20
        // (size_t), SOL_NETLINK, NETLINK_LISTEN_ALL_NSID, int 0, padded to 24.
        Assert.Equal(0, MulticastSocket.SourceNsid(Convert.FromHexString("14000000000000000E01000008000000" + "0000000000000000")));
        Assert.Equal(7, MulticastSocket.SourceNsid(Convert.FromHexString("14000000000000000E01000008000000" + "0700000000000000")));
        Assert.Equal(-1, MulticastSocket.SourceNsid([]));
        Assert.Equal(-1, MulticastSocket.SourceNsid(Convert.FromHexString("14000000000000000100000008000000" + "0700000000000000"))); // SOL_SOCKET
        Assert.Equal(-1, MulticastSocket.SourceNsid(Convert.FromHexString("FF000000000000000E01000008000000" + "07000000"))); // overruns
    }
}

/// <summary>
/// IPv6 notifications: topo's own addresses and routes wake the watcher; what the kernel makes and
/// refreshes by itself on every IPv6 link (and with every router advertisement) does not.
/// </summary>
public sealed class Ipv6NotificationTests
{
    private static byte[] Address(ushort type, string prefix, int index, AddressProtocol? protocol = null)
    {
        var message = AddressMessage.ForPrefix(index, Topo.Core.Addressing.IpPrefix.Parse(prefix));
        message.Protocol = protocol;
        var buffer = new MessageBuffer();
        var writer = new NetlinkWriter(buffer);
        message.Encode(ref writer, type, NetlinkFlags.None, 0);
        return buffer.Written.ToArray();
    }

    private static byte[] Route(ushort type, string destination, RouteProtocol protocol, RouteType routeType = RouteType.Unicast)
    {
        var prefix = Topo.Core.Addressing.IpPrefix.Parse(destination);
        var message = new RouteMessage
        {
            Family = AddressFamily.Inet6, DestinationLength = (byte)prefix.Length,
            Destination = prefix.Length == 0 ? null : prefix.Address, Protocol = protocol, Type = routeType,
            Gateway = Topo.Core.Addressing.IpAddress.Parse("fd00:1::1"), OutputInterface = 2,
        };
        var buffer = new MessageBuffer();
        var writer = new NetlinkWriter(buffer);
        message.Encode(ref writer, type, NetlinkFlags.None, 0);
        return buffer.Written.ToArray();
    }

    private static List<KernelChange> Decode(byte[] datagram)
    {
        var changes = new List<KernelChange>();
        Assert.Equal(NotificationDecoder.RouteDatagram(datagram, "web", changes.Add), changes.Count);
        return changes;
    }

    [Fact]
    public void Topos_IPv6_address_and_default_route_are_changes()
    {
        Assert.Equal("address fd00:1::2/64 on ifindex 2 deleted (namespace web)",
            Assert.Single(Decode(Address(RtmType.DelAddress, "fd00:1::2/64", 2))).ToString());
        Assert.Equal("route ::/0 deleted (namespace web)",
            Assert.Single(Decode(Route(RtmType.DelRoute, "::/0", RouteProtocol.Boot))).ToString());
        Assert.Equal("route fd00:9::/64 added (namespace web)",
            Assert.Single(Decode(Route(RtmType.NewRoute, "fd00:9::/64", RouteProtocol.Static))).ToString());
    }

    [Theory]
    [InlineData("fe80::42:aff:fe1e:2/64", null)] // a kernel older than 6.1: no IFA_PROTO, known by its prefix
    [InlineData("fe80::1/64", 3)] // IFAPROT_KERNEL_LL
    [InlineData("::1/128", 1)] // IFAPROT_KERNEL_LO
    [InlineData("2001:db8:5::42:aff:fe1e:2/64", 2)] // IFAPROT_KERNEL_RA, SLAAC: refreshed by every advertisement
    public void The_kernels_own_IPv6_addresses_are_not(string prefix, int? protocol) =>
        Assert.Empty(Decode(Address(RtmType.NewAddress, prefix, 2, (AddressProtocol?)protocol)));

    [Theory]
    [InlineData("fd00:1::/64", 2, 1)] // RTPROT_KERNEL: the prefix route of an address
    [InlineData("::/0", 9, 1)] // RTPROT_RA: learnt from a router advertisement
    [InlineData("ff00::/8", 3, 5)] // RTN_MULTICAST
    public void The_kernels_own_IPv6_routes_are_not(string destination, byte protocol, byte type) =>
        Assert.Empty(Decode(Route(RtmType.NewRoute, destination, (RouteProtocol)protocol, (RouteType)type)));

    [Fact]
    public void The_monitor_joins_the_IPv6_groups()
    {
        // RTNLGRP_IPV6_IFADDR and RTNLGRP_IPV6_ROUTE (linux/rtnetlink.h).
        Assert.Equal((9, 11), (RouteNetlinkGroup.Ipv6Address, RouteNetlinkGroup.Ipv6Route));
    }
}
