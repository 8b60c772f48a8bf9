using Topo.Core.Addressing;

namespace Topo.Core.Resolution;

/// <summary>
/// IPAM for one subnet: network and broadcast addresses, the gateway and aux addresses are never
/// handed out; dynamic addresses come from the ip_range (or the whole subnet), lowest free first.
/// </summary>
internal sealed class AddressAllocator
{
    private readonly Ipv4Prefix _subnet;
    private readonly Ipv4Prefix _range;
    private readonly HashSet<uint> _reserved = [];
    private readonly HashSet<uint> _taken = [];
    private uint _cursor;

    public AddressAllocator(Ipv4Prefix subnet, Ipv4Prefix? range, IEnumerable<Ipv4Address> reserved)
    {
        _subnet = subnet.Network;
        _range = (range ?? subnet).Network;
        if (_subnet.Length < 31)
        {
            _reserved.Add(_subnet.First.Value);
            _reserved.Add(_subnet.Last.Value);
        }
        foreach (var address in reserved) _reserved.Add(address.Value);
        _cursor = _range.First.Value;
    }

    public bool IsReserved(Ipv4Address address) => _reserved.Contains(address.Value);

    public bool IsTaken(Ipv4Address address) => _taken.Contains(address.Value);

    /// <summary>Whether a dynamic address may keep <paramref name="address"/> (stability across applies).</summary>
    public bool CanKeep(Ipv4Address address) =>
        _range.Contains(address) && _subnet.Contains(address) && !IsReserved(address) && !IsTaken(address);

    public void Take(Ipv4Address address) => _taken.Add(address.Value);

    public bool TryAllocate(out Ipv4Address address)
    {
        var last = _range.Last.Value;
        for (var candidate = _cursor; candidate <= last && candidate >= _cursor; candidate++)
        {
            if (_reserved.Contains(candidate) || _taken.Contains(candidate)) continue;
            _cursor = candidate;
            address = new Ipv4Address(candidate);
            _taken.Add(candidate);
            return true;
        }
        address = default;
        return false;
    }
}
