using System.Net;
using CsCheck;
using Topo.Core.Addressing;

namespace Topo.Core.Tests.Addressing;

/// <summary>topo's own IPv6 text must be System.Net.IPAddress's, character for character: plans, keys and rulesets hold it.</summary>
public sealed class Ipv6TextFormatTests
{
    // Groups drawn to make zero runs of every length and place, and the dotted-tail forms.
    private static readonly Gen<ushort> Group = Gen.Frequency(
        (6, Gen.Const((ushort)0)), (1, Gen.Const((ushort)0xFFFF)), (1, Gen.Const((ushort)0x5EFE)),
        (2, Gen.UShort[1, 0xF]), (2, Gen.UShort[0x10, 0xFFF]), (3, Gen.UShort));

    private static readonly Gen<UInt128> Value = Gen.OneOf(
        Group.Array[8].Select(g => g.Aggregate(UInt128.Zero, (v, x) => (v << 16) | x)),
        Gen.Select(Gen.ULong, Gen.ULong).Select((hi, lo) => new UInt128(hi, lo)));

    private static string Expected(UInt128 value)
    {
        Span<byte> bytes = stackalloc byte[16];
        new Ipv6Address(value).WriteBytes(bytes);
        return new IPAddress(bytes).ToString();
    }

    [Theory]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("1::")]
    [InlineData("fd00:1::2")]
    [InlineData("2001:db8:0:0:1:0:0:1")] // equal runs: the first is compressed
    [InlineData("2001:db8:0:1:0:0:0:1")] // the longer run, not the first
    [InlineData("2001:0:1:2:3:4:5:6")] // one zero group is never "::"
    [InlineData("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")]
    [InlineData("::ffff:192.0.2.1")] // mapped
    [InlineData("::192.0.2.1")] // compatible
    [InlineData("::ffff:0:192.0.2.1")] // SIIT
    [InlineData("fe80::5efe:192.0.2.1")] // ISATAP
    [InlineData("1:2:3:4:0:5efe:0:0")] // ISATAP with a zero tail
    [InlineData("::ffff:0:0")] // mapped 0.0.0.0 stays hex
    [InlineData("::0:1:0")]
    public void Writes_what_IPAddress_writes(string text)
    {
        var value = new Ipv6Address(ToValue(IPAddress.Parse(text)));
        Assert.Equal(Expected(value.Value), value.ToString());
    }

    [Fact]
    public void Writes_what_IPAddress_writes_for_any_value() =>
        Value.Sample(value =>
        {
            var address = new Ipv6Address(value);
            var expected = Expected(value);
            Assert.Equal(expected, address.ToString());
            Assert.Equal(expected + "/64", new Ipv6Prefix(address, 64).ToString());
            Assert.Equal($"[{expected}]:80", $"[{address}]:80");
            Assert.Equal($"{expected} {expected}/64", $"{(IpAddress)address} {(IpPrefix)new Ipv6Prefix(address, 64)}"); // the union types format in place too
        }, iter: 20_000);

    [Fact]
    public void Refuses_a_destination_one_character_short_and_fills_one_exactly_long_enough() =>
        Value.Sample(value =>
        {
            var address = new Ipv6Address(value);
            var expected = Expected(value);
            Assert.False(address.TryFormat(new char[expected.Length - 1], out var none));
            Assert.Equal(0, none);
            var exact = new char[expected.Length];
            Assert.True(address.TryFormat(exact, out var written));
            Assert.Equal(expected, new string(exact, 0, written));
        }, iter: 2_000);

    [Fact]
    public void Formatting_into_a_span_allocates_nothing()
    {
        var address = Ipv6Address.Parse("2001:db8:0:1:0:0:0:1");
        var prefix = new Ipv6Prefix(Ipv6Address.Parse("::ffff:192.0.2.1"), 128);
        var text = new char[64];
        address.TryFormat(text, out _); // JIT and first-call work outside the measurement
        prefix.TryFormat(text, out _);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            address.TryFormat(text, out _);
            prefix.TryFormat(text, out _);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static UInt128 ToValue(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        return Ipv6Address.FromBytes(bytes).Value;
    }
}
