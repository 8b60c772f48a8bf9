using System.Collections.Immutable;
using Topo.Core.Addressing;
using Topo.Core.Model;
using Topo.Core.Spec;

namespace Topo.Core.Resolution;

public static partial class Resolver
{
    /// <summary>An IPv6 subnet held on the host by something other than this project (<paramref name="Link"/>: on which interface, when foreign).</summary>
    private sealed record Ipv6Use(Ipv6Prefix Subnet, string What, bool IsRoute, bool IsDefaultBridge, string? Link = null)
    {
        /// <summary>Whether this use stands in the way of <paramref name="spec"/>: a macvlan network is usually its parent's LAN, where the host's own address is expected.</summary>
        public bool Concerns(NetworkSpec spec) =>
            !(IsDefaultBridge && IsDefault(spec)) && !(spec.Driver == NetworkDriver.Macvlan && Link is not null && Link == spec.Parent);
    }

    /// <summary>
    /// The IPv6 half of networks with <c>enable_ipv6</c>, by IPv4's rules: the declared subnet
    /// (refused when it overlaps one in use on the host), else the one the bridge already has,
    /// else the lowest free /64 of the default pool (<see cref="Ipv6DefaultPool"/>; the default
    /// bridge draws from the pool of the shared label, so every project computes the same one).
    /// Macvlan networks alike, as Docker's IPAM serves both drivers; their subnet is held by their
    /// containers' addresses (no bridge).
    /// </summary>
    private static ImmutableArray<ResolvedNetwork> ResolveIpv6Networks(
        ResolveContext context, List<NetworkSpec> specs, ImmutableArray<ResolvedNetwork> networks)
    {
        var wanted = specs.Where(s => s.EnableIpv6).ToList();
        if (wanted.Count == 0) return networks;
        var inUse = Ipv6SubnetsInUse(context);
        var chosen = new List<Ipv6Prefix>();
        var subnets = new Dictionary<string, Ipv6Prefix>();
        foreach (var spec in wanted)
        {
            if (spec.Ipv6Subnet is not { } declared) continue;
            var clashes = inUse.Where(u => !u.IsRoute && u.Subnet.Overlaps(declared) && u.Concerns(spec))
                .Select(u => u.What).Distinct().ToList();
            if (clashes.Count > 0)
                context.Error(spec.At(NetworkSpec.Ipv6Field("subnet")),
                    $"network '{spec.Name}': subnet {declared} overlaps {string.Join("; and ", clashes)}; choose another subnet");
            subnets[spec.Name] = declared;
            chosen.Add(declared);
        }
        foreach (var spec in wanted)
        {
            if (subnets.ContainsKey(spec.Name)) continue;
            if (HeldIpv6Subnet(context, spec, inUse, chosen) is not { } held) continue;
            subnets[spec.Name] = held;
            chosen.Add(held);
        }
        foreach (var spec in wanted)
        {
            if (subnets.ContainsKey(spec.Name)) continue;
            var pool = Ipv6DefaultPool.For(IsDefault(spec) ? Label.SharedProject : context.Project);
            var free = Ipv6DefaultPool.Subnets(pool).Cast<Ipv6Prefix?>().FirstOrDefault(p => Ipv6Free(spec, p!.Value, inUse, chosen));
            if (free is not { } pooled)
            {
                context.Error(spec.Span, $"network '{spec.Name}': every /64 of the IPv6 default pool {pool} is in use; give it an IPv6 subnet");
                continue;
            }
            subnets[spec.Name] = pooled;
            chosen.Add(pooled);
        }

        var bySpec = wanted.ToDictionary(s => s.Name);
        return [.. networks.Select(n =>
        {
            if (!subnets.TryGetValue(n.Name, out var subnet)) return n;
            var spec = bySpec[n.Name];
            return n with
            {
                Ipv6Subnet = subnet,
                Ipv6Gateway = spec.Ipv6Gateway ?? HeldIpv6Gateway(context, n.Label, subnet) ?? Ipv6Checks.DefaultGateway(subnet, spec.Ipv6Range),
                Ipv6Range = spec.Ipv6Range,
            };
        })];
    }

    private static bool IsDefault(NetworkSpec spec) => spec.Name == Naming.DefaultBridgeNetwork;

    private static bool Ipv6Free(NetworkSpec spec, Ipv6Prefix p, List<Ipv6Use> inUse, List<Ipv6Prefix> chosen) =>
        !inUse.Any(u => u.Subnet.Overlaps(p) && u.Concerns(spec)) && !chosen.Any(c => c.Overlaps(p));

    /// <summary>Addresses the kernel makes by itself (link-local, loopback, multicast) say nothing about subnets in use.</summary>
    private static bool IsRoutable(Ipv6Address a) => !a.IsLinkLocal && !a.IsLoopback && (a.Value >> 120) != 0xFF;

    /// <summary>Stable once chosen: the IPv6 subnet of the network's bridge, or of a macvlan network's containers, as observed.</summary>
    private static Ipv6Prefix? HeldIpv6Subnet(ResolveContext context, NetworkSpec spec, List<Ipv6Use> inUse, List<Ipv6Prefix> chosen)
    {
        var label = LabelOf(context, spec);
        foreach (var a in context.Observed.Addresses)
            if ((a.Namespace == HostState.Host && a.Owner == label ||
                 spec.Driver == NetworkDriver.Macvlan && a.Owner is { Role: LabelRole.Endpoint } e && e.Project == context.Project && e.Network == spec.Name) &&
                a.Address.IsV6 && IsRoutable(a.Address.V6.Address) &&
                Ipv6Free(spec, a.Address.V6.Network, inUse, chosen))
                return a.Address.V6.Network;
        return null;
    }

    /// <summary>The bridge's IPv6 address in <paramref name="subnet"/>, kept when the file leaves the gateway open (as IPv4's).</summary>
    private static Ipv6Address? HeldIpv6Gateway(ResolveContext context, Label label, Ipv6Prefix subnet)
    {
        foreach (var a in context.Observed.Addresses)
            if (a.Namespace == HostState.Host && a.Owner == label && a.Address.IsV6 && a.Address.V6.Network == subnet) return a.Address.V6.Address;
        return null;
    }

    /// <summary>
    /// IPv6 subnets others use on the host: addresses of interfaces that are not this project's
    /// (foreign ones, other projects' bridges, the default bridge), other projects' macvlan networks
    /// (seen on their containers' interfaces, as IPv4's <c>SubnetsInUseOnHost</c> sees them), and
    /// routes not belonging to this project. Kernel-made addresses and routes (link-local,
    /// multicast) are left out.
    /// </summary>
    private static List<Ipv6Use> Ipv6SubnetsInUse(ResolveContext context)
    {
        var list = new List<Ipv6Use>();
        HashSet<LinkRef>? macvlans = null;
        var seen = new HashSet<Label>();
        foreach (var a in context.Observed.Addresses)
        {
            if (!a.Address.IsV6 || !IsRoutable(a.Address.V6.Address)) continue;
            var owner = a.Owner;
            if (a.Namespace != HostState.Host)
            {
                // Bridge networks are seen on their bridge; macvlan networks only on their containers.
                if (owner is not { Role: LabelRole.Endpoint, IsShared: false } e || e.Project == context.Project ||
                    e.Network == Naming.DefaultBridgeNetwork) continue;
                macvlans ??= [.. context.Observed.Links.Where(l => l.Type == LinkKind.Macvlan).Select(l => l.Ref)];
                if (!macvlans.Contains(a.LinkRef) || !seen.Add(new Label(e.Project, LabelRole.Network, e.Network!))) continue;
                list.Add(new(a.Address.V6.Network,
                    $"macvlan network '{e.Network}' of project '{e.Project}' (container '{e.Container}' has {a.Address})", false, false));
                continue;
            }
            if (owner is null)
                list.Add(new(a.Address.V6.Network, $"{a.Address} on interface {a.Link}, which topo does not own", false, false, a.Link));
            else if (owner.IsShared)
                list.Add(new(a.Address.V6.Network, $"the default bridge {a.Link} ({a.Address})", false, true));
            else if (owner.Project != context.Project)
                list.Add(new(a.Address.V6.Network, owner.Role == LabelRole.Network
                    ? $"network '{owner.Name}' of project '{owner.Project}' ({a.Address} on bridge {a.Link})"
                    : $"{a.Address} on interface {a.Link} of project '{owner.Project}'", false, false));
        }
        foreach (var r in context.Observed.Routes)
            if (r.Namespace == HostState.Host && !r.IsDefault && r.Destination.IsV6 && !context.IsOurs(r) &&
                IsRoutable(r.Destination.V6.Address))
                list.Add(new(r.Destination.V6.Network, $"route {r.Destination}", true, false, r.Device));
        return list;
    }
}
