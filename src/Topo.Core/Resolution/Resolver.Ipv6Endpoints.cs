using Topo.Core.Addressing;
using Topo.Core.Model;
using Topo.Core.Spec;

namespace Topo.Core.Resolution;

public static partial class Resolver
{
    /// <summary>
    /// IPv6 addresses of endpoints on IPv6 networks, in IPv4's three passes (static, held, lowest
    /// free), so nobody is renumbered. On the default bridge the address is derived from the MAC
    /// (the MAC in the low 48 bits of the subnet, not EUI-64), as Docker gives it there: Docker's
    /// MACs are derived from the IPv4 address, so the IPv6 address follows the IPv4 one and needs
    /// no record of its own. On user networks, sequential from the range as Docker's IPAM.
    /// </summary>
    private static void AllocateIpv6(ResolveContext context, IReadOnlyList<ResolvedNetwork> networks, List<PendingEndpoint> pending)
    {
        var allocators = new Dictionary<string, Ipv6AddressAllocator>();
        foreach (var n in networks)
        {
            if (n.Ipv6Subnet is not { } subnet) continue;
            var aux = context.Spec.FindNetwork(n.Name)?.AuxAddresses.Where(a => a.Address.IsV6).Select(a => a.Address.V6) ?? [];
            allocators[n.Name] = new Ipv6AddressAllocator(subnet, n.Ipv6Range, aux.Append(n.Ipv6Gateway!.Value));
        }
        if (allocators.Count == 0) return;
        var mine = pending.Where(p => p.Address is not null && allocators.ContainsKey(p.Network.Name)).ToList();

        foreach (var a in context.Observed.Addresses)
        {
            if (!a.Address.IsV6 || a.Owner is { Role: LabelRole.Network } || a.Owner is { Role: LabelRole.Endpoint } l && l.Project == context.Project) continue;
            foreach (var n in networks)
                if (n.Ipv6Subnet is { } s && s.Contains(a.Address.V6.Address)) allocators[n.Name].Take(a.Address.V6.Address);
        }
        var held = new Dictionary<Label, Ipv6Address>();
        foreach (var a in context.Observed.Addresses)
            if (a.Owner is { Role: LabelRole.Endpoint } l && l.Project == context.Project && a.Address.IsV6 && IsRoutable(a.Address.V6.Address))
                held.TryAdd(l, a.Address.V6.Address);

        // Endpoints that hold an address they will keep: a static address among them is refused, as for IPv4.
        var keepers = new Dictionary<(string, Ipv6Address), PendingEndpoint>();
        foreach (var p in mine)
            if (p.Attachment.Ipv6 is null && !p.Network.IsDefaultBridge && held.TryGetValue(p.Label, out var h) && allocators[p.Network.Name].CanKeep(h))
                keepers.TryAdd((p.Network.Name, h), p);

        foreach (var p in mine)
        {
            if (p.Attachment.Ipv6 is { } address)
            {
                if (keepers.TryGetValue((p.Network.Name, address), out var holder))
                    context.Error(p.Attachment.At("ipv6"),
                        $"container '{p.Container.Name}': IPv6 address {address} on network '{p.Network.Name}' is already in use by container " +
                        $"'{holder.Container.Name}' (allocated to it earlier; topo never renumbers a running container); " +
                        $"choose another address for '{p.Container.Name}', or give '{holder.Container.Name}' another one with ipv6:");
                Claim(context, p, address, allocators[p.Network.Name], "ipv6");
                p.Address6 = address;
            }
            else if (p.Network.IsDefaultBridge)
            {
                var derived = MacDerived(p.Network.Ipv6Subnet!.Value, p.Mac);
                Claim(context, p, derived, allocators[p.Network.Name], "mac_address");
                p.Address6 = derived;
            }
        }
        foreach (var p in mine.Where(p => p.Address6 is null))
        {
            if (held.TryGetValue(p.Label, out var address) && allocators[p.Network.Name].CanKeep(address))
            {
                allocators[p.Network.Name].Take(address);
                p.Address6 = address;
            }
        }
        foreach (var p in mine.Where(p => p.Address6 is null))
        {
            if (allocators[p.Network.Name].TryAllocate(out var address)) p.Address6 = address;
            else context.Error(p.Attachment.Span,
                $"container '{p.Container.Name}': network '{p.Network.Name}' has no free IPv6 address left in {p.Network.Ipv6Range ?? p.Network.Ipv6Subnet}");
        }
    }

    /// <summary>A static or MAC-derived address: an error when something else on the host holds it.</summary>
    private static void Claim(ResolveContext context, PendingEndpoint p, Ipv6Address address, Ipv6AddressAllocator allocator, string field)
    {
        if (allocator.IsTaken(address))
            context.Error(p.Attachment.At(field),
                $"container '{p.Container.Name}': IPv6 address {address} on network '{p.Network.Name}' is already in use");
        allocator.Take(address);
    }

    /// <summary>Docker's default-bridge address: the subnet with the MAC's 48 bits as its last 48 (the subnet is /64 or shorter).</summary>
    internal static Ipv6Address MacDerived(Ipv6Prefix subnet, MacAddress mac) =>
        new(subnet.First.Value | (UInt128)(mac.Value & 0xFFFF_FFFF_FFFFUL));
}
