using Topo.Linux.Netlink.Messages;

namespace Topo.Linux.Tests.Netlink;

/// <summary>Malformed input raises NetlinkParseException and nothing else.</summary>
public sealed class RobustnessTests
{
    private static readonly string[] All =
    [
        Fixtures.AddBridge, Fixtures.AddVeth, Fixtures.SetMtu, Fixtures.SetAlias, Fixtures.SetMaster,
        Fixtures.SetBridgePort, Fixtures.SetUp, Fixtures.AddAddress, Fixtures.AddRoute, Fixtures.AddMacvlan,
        Fixtures.AddVlan, Fixtures.DeleteLink, Fixtures.KernelBridge,
    ];

    /// <summary>Decodes every message as all three kinds; returns normally or throws.</summary>
    private static void DecodeEverything(ReadOnlySpan<byte> bytes)
    {
        var reader = new NetlinkMessageReader(bytes);
        while (reader.MoveNext())
        {
            DecodeBodies(reader.Payload);
        }
    }

    private static void DecodeBodies(ReadOnlySpan<byte> payload)
    {
        try { LinkMessage.DecodeBody(payload); } catch (NetlinkParseException) { }
        try { AddressMessage.Decode(payload); } catch (NetlinkParseException) { }
        try { RouteMessage.Decode(payload); } catch (NetlinkParseException) { }
    }

    private static void OnlyParseExceptions(ReadOnlySpan<byte> bytes)
    {
        try
        {
            DecodeEverything(bytes);
        }
        catch (NetlinkParseException)
        {
        }
        DecodeBodies(bytes); // also as raw bodies without a netlink header
    }

    [Fact]
    public void Truncated_messages_raise_parse_errors_only()
    {
        foreach (var hex in All)
        {
            var bytes = Fixtures.Bytes(hex);
            for (var length = 0; length < bytes.Length; length++)
            {
                OnlyParseExceptions(bytes.AsSpan(0, length));
            }
        }
    }

    [Fact]
    public void Truncated_message_is_reported_as_malformed()
    {
        var bytes = Fixtures.Bytes(Fixtures.AddVeth);
        Assert.Throws<NetlinkParseException>(() => DecodeEverything(bytes.AsSpan(0, bytes.Length - 3)));
        // a body whose nested VETH_INFO_PEER overruns its parent
        var body = bytes.AsSpan(16, bytes.Length - 16 - 4).ToArray();
        Assert.Throws<NetlinkParseException>(() => LinkMessage.DecodeBody(body));
    }

    [Fact]
    public void Random_and_mutated_bytes_raise_parse_errors_only()
    {
        var random = new Random(20261128);
        for (var i = 0; i < 20000; i++)
        {
            var bytes = new byte[random.Next(0, 200)];
            random.NextBytes(bytes);
            OnlyParseExceptions(bytes);
        }
        foreach (var hex in All)
        {
            var original = Fixtures.Bytes(hex);
            for (var i = 0; i < 3000; i++)
            {
                var bytes = (byte[])original.Clone();
                for (var flips = random.Next(1, 4); flips > 0; flips--)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }
                OnlyParseExceptions(bytes);
            }
        }
    }
}
