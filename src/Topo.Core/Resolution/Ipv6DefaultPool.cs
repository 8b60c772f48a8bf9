using System.Buffers.Binary;
using System.Text;
using Topo.Core.Addressing;
using Topo.Core.Hashing;

namespace Topo.Core.Resolution;

/// <summary>
/// Where a network with <c>enable_ipv6: true</c> and no IPv6 subnet gets one: a unique-local /48
/// split into /64s, lowest free first, as Docker 27 does (moby#47853: <c>fd</c> + a 40-bit Global
/// ID from sha256 of the engine's ID). topo takes the Global ID from sha256 of the project name
/// instead of a host ID: the /64 a plan shows in pull-request review (no host) is the one apply
/// picks on a fresh host, the same file gives the same subnets everywhere (as IPv4's default
/// pools do), and two projects on one host draw from different /48s. The choice is stable
/// because the bridge's address is the record, as for IPv4 (<c>HeldSubnet</c>).
/// </summary>
public static class Ipv6DefaultPool
{
    public const int BaseLength = 48;
    public const int SubnetLength = 64;

    /// <summary>The project's /48: <c>fd</c>, then the first 40 bits of sha256("topo:" + project).</summary>
    public static Ipv6Prefix For(string project)
    {
        Span<byte> hash = stackalloc byte[32];
        Sha256.HashData(Encoding.UTF8.GetBytes("topo:" + project), hash);
        var globalId = BinaryPrimitives.ReadUInt64BigEndian(hash) >> 24; // 40 bits
        var high = (0xFDUL << 56) | (globalId << 16);
        return new Ipv6Prefix(new Ipv6Address(new UInt128(high, 0)), BaseLength);
    }

    /// <summary>The /64s of <paramref name="pool"/>, lowest first.</summary>
    public static IEnumerable<Ipv6Prefix> Subnets(Ipv6Prefix pool)
    {
        var step = UInt128.One << (128 - SubnetLength);
        var count = 1UL << (SubnetLength - pool.Length);
        for (var i = 0UL; i < count; i++)
            yield return new Ipv6Prefix(pool.First.Add(step * i), SubnetLength);
    }
}
