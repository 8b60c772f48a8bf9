using Topo.Linux.Monitoring;
using Topo.Linux.Netlink.Messages;

namespace Topo.Linux.Tests.Monitoring;

/// <summary>Truncated, mutated or random notifications: a parse error or nothing, never another exception.</summary>
public sealed class NotificationRobustnessTests
{
    private static readonly byte[][] All =
    [
        MonitorFixtures.DelLinkHost, MonitorFixtures.DelRouteInNamespace, MonitorFixtures.DelAddressInNamespace,
        MonitorFixtures.DelPrefixRouteInNamespace, MonitorFixtures.DelBroadcastRouteInNamespace,
        MonitorFixtures.NewTable, MonitorFixtures.NewGeneration, MonitorFixtures.NewRule, MonitorFixtures.FlushRuleset,
    ];

    private static readonly List<KernelChange> Sink = [];

    private static void Decode(byte[] bytes)
    {
        foreach (var publish in new Action<KernelChange>?[] { Sink.Add, null })
        {
            try { NotificationDecoder.RouteDatagram(bytes, "web", publish); } catch (NetlinkParseException) { }
            try { NotificationDecoder.FirewallDatagram(bytes, "topo-"u8, publish); } catch (NetlinkParseException) { }
        }
        try { MulticastSocket.SourceNsid(bytes); } catch (NetlinkParseException) { }
        foreach (var c in Sink) _ = c.ToString();
        Sink.Clear();
    }

    [Fact]
    public void Truncated_notifications_raise_parse_errors_only()
    {
        foreach (var bytes in All)
        {
            for (var length = 0; length < bytes.Length; length++) Decode(bytes[..length]);
        }
        Assert.Throws<NetlinkParseException>(() => NotificationDecoder.RouteDatagram(MonitorFixtures.DelLinkHost[..100], "", null));
    }

    [Fact]
    public void A_body_shorter_than_its_family_header_is_malformed()
    {
        // nlmsghdr of an RTM_DELADDR claiming 20 bytes: 4 bytes of an 8-byte ifaddrmsg
        var bytes = Convert.FromHexString("14000000150000000000000000000000" + "02100000");
        Assert.Throws<NetlinkParseException>(() => NotificationDecoder.RouteDatagram(bytes, "", _ => { }));
    }

    [Fact]
    public void Random_and_mutated_bytes_raise_parse_errors_only()
    {
        var random = new Random(20260511);
        for (var i = 0; i < 20000; i++)
        {
            var bytes = new byte[random.Next(0, 200)];
            random.NextBytes(bytes);
            Decode(bytes);
            // with a plausible header: a notification type we listen for and a consistent length
            if (bytes.Length >= 16)
            {
                BitConverter.TryWriteBytes(bytes.AsSpan(0, 4), bytes.Length);
                BitConverter.TryWriteBytes(bytes.AsSpan(4, 2), (ushort)random.GetItems<int>([16, 17, 20, 21, 24, 25, 0xA00, 0xA02, 0xA06, 0xA08], 1)[0]);
                Decode(bytes);
            }
        }
        foreach (var original in All)
        {
            for (var i = 0; i < 3000; i++)
            {
                var bytes = (byte[])original.Clone();
                for (var flips = random.Next(1, 4); flips > 0; flips--) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                Decode(bytes);
            }
        }
    }
}
