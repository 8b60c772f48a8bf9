using Topo.Core.Addressing;

namespace Topo.Core.Resolution;

/// <summary>
/// IPAM for one IPv6 subnet, as Docker's for user networks: addresses in sequence from the
/// ip_range (or the subnet) — <c>::2</c>, <c>::3</c>, … after the gateway's <c>::1</c>. The
/// subnet-router anycast address (the subnet's first), the gateway and aux addresses are never
/// handed out. IPv6 has no broadcast address to reserve.
/// </summary>
internal sealed class Ipv6AddressAllocator
{
    private readonly Ipv6Prefix _subnet;
    private readonly Ipv6Prefix _range;
    private readonly HashSet<UInt128> _reserved = [];
    private readonly HashSet<UInt128> _taken = [];
    private UInt128 _cursor;

    public Ipv6AddressAllocator(Ipv6Prefix subnet, Ipv6Prefix? range, IEnumerable<Ipv6Address> reserved)
    {
        _subnet = subnet.Network;
        _range = (range ?? subnet).Network;
        _reserved.Add(_subnet.First.Value);
        foreach (var address in reserved) _reserved.Add(address.Value);
        _cursor = _range.First.Value;
    }

    public bool IsTaken(Ipv6Address address) => _taken.Contains(address.Value);

    /// <summary>Whether a dynamic address may keep <paramref name="address"/> (stability across applies).</summary>
    public bool CanKeep(Ipv6Address address) =>
        _range.Contains(address) && _subnet.Contains(address) && !_reserved.Contains(address.Value) && !IsTaken(address);

    public void Take(Ipv6Address address) => _taken.Add(address.Value);

    public bool TryAllocate(out Ipv6Address address)
    {
        var last = _range.Last.Value;
        for (var candidate = _cursor; candidate <= last && candidate >= _cursor; candidate++)
        {
            if (_reserved.Contains(candidate) || _taken.Contains(candidate)) continue;
            _cursor = candidate;
            address = new Ipv6Address(candidate);
            _taken.Add(candidate);
            return true;
        }
        address = default;
        return false;
    }
}
