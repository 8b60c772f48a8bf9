using System.Collections.Immutable;
using Topo.Core.Addressing;

namespace Topo.Core.Resolution;

/// <summary>
/// Docker's default address pools, in Docker's order: 172.17/16, 172.18/16, 172.19/16,
/// 172.20/14 … 172.28/14 split into /16s, then 192.168/16 split into /20s.
/// </summary>
public static class DefaultPools
{
    public static ImmutableArray<Ipv4Prefix> Subnets { get; } = Build();

    /// <summary>
    /// The first pool is the default bridge's, as docker0 always holds it: other networks start at
    /// 172.18, so "the default bridge is 172.17" does not depend on which project applied first.
    /// </summary>
    public static Ipv4Prefix DefaultBridge { get; } = Ipv4Prefix.Parse("172.17.0.0/16");

    /// <summary>Whether a network may take this pool: the default bridge's is for the default bridge only.</summary>
    public static bool Allows(Ipv4Prefix pool, bool isDefaultBridge) => isDefaultBridge || pool != DefaultBridge;

    private static ImmutableArray<Ipv4Prefix> Build()
    {
        var list = ImmutableArray.CreateBuilder<Ipv4Prefix>();
        // 172.17/16 … 172.19/16, then the /14s 172.20, 172.24, 172.28 as /16s: together 172.17–172.31.
        for (var second = 17; second <= 31; second++)
            list.Add(new Ipv4Prefix(new Ipv4Address((172u << 24) | ((uint)second << 16)), 16));
        for (var third = 0; third < 256; third += 16)
            list.Add(new Ipv4Prefix(new Ipv4Address((192u << 24) | (168u << 16) | ((uint)third << 8)), 20));
        return list.ToImmutable();
    }
}
