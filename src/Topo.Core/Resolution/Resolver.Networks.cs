using System.Collections.Immutable;
using Topo.Core.Addressing;
using Topo.Core.Model;
using Topo.Core.Spec;

namespace Topo.Core.Resolution;

public static partial class Resolver
{
    /// <summary>
    /// Networks in play: the declared ones in file order, with the default bridge first when any
    /// container uses it. Each gets a subnet: the declared one, else the one it already has on
    /// the host, else the first default pool that overlaps nothing on the host or in the file.
    /// A declared subnet that overlaps one in use on the host (another project's network, the
    /// shared default bridge while others use it, an address of a foreign interface) is an error,
    /// as Docker refuses it. While other projects use the default bridge, its settings are what
    /// the bridge already has (see <see cref="PinDefaultBridge"/>).
    /// </summary>
    private static ImmutableArray<ResolvedNetwork> ResolveNetworks(ResolveContext context)
    {
        var spec = context.Spec;
        var specs = new List<NetworkSpec>();
        var declaredBridge = spec.FindNetwork(Naming.DefaultBridgeNetwork);
        if (declaredBridge is not null || UsesDefaultBridge(spec))
            specs.Add(declaredBridge ?? DefaultBridgeSpec(spec));
        specs.AddRange(spec.Networks.Where(n => n.Name != Naming.DefaultBridgeNetwork));

        var shared = SharedDefaultBridge(context);
        var inUse = SubnetsInUseOnHost(context, shared);
        CheckDeclaredSubnets(context, specs, inUse);
        if (shared is not null && specs.FindIndex(n => n.Name == Naming.DefaultBridgeNetwork) is var b and >= 0)
            specs[b] = PinDefaultBridge(context, specs[b], shared);

        var chosen = specs.Where(n => n.Subnet is not null).Select(n => n.Subnet!.Value.Network).ToList();
        // Two passes, so that no network loses the subnet it has to one resolved before it:
        // first every network keeps what it already has on the host, then pools for the rest.
        var subnets = new Dictionary<string, Ipv4Prefix>();
        foreach (var network in specs)
        {
            if (network.Subnet is { } declared) subnets[network.Name] = declared.Network;
            else if (HeldSubnet(context, network, LabelOf(context, network), inUse, chosen) is { } held)
            {
                subnets[network.Name] = held;
                chosen.Add(held);
            }
        }
        foreach (var network in specs)
        {
            if (subnets.ContainsKey(network.Name)) continue;
            if (PoolSubnet(context, network, inUse, chosen) is not { } pooled) continue;
            subnets[network.Name] = pooled;
            chosen.Add(pooled);
        }

        var result = ImmutableArray.CreateBuilder<ResolvedNetwork>(specs.Count);
        foreach (var network in specs)
        {
            var label = LabelOf(context, network);
            if (!subnets.TryGetValue(network.Name, out var s)) continue;
            var parent = network.Driver == NetworkDriver.Macvlan ? ResolveParent(context, network) : null;
            var isDefault = network.Name == Naming.DefaultBridgeNetwork;
            result.Add(new ResolvedNetwork(
                Name: network.Name,
                Driver: network.Driver,
                Subnet: s,
                Gateway: network.Gateway ?? HeldGateway(context, label, s) ?? DefaultGateway(s, network.IpRange),
                IpRange: network.IpRange,
                Internal: network.Internal ?? false,
                Icc: network.Icc ?? true,
                Masquerade: (network.Masquerade ?? true) && !(network.Internal ?? false),
                Mtu: network.Mtu ?? (network.Driver == NetworkDriver.Bridge ? 1500 : null),
                Dns: network.Dns ?? !isDefault,
                DnsTtl: network.DnsTtl ?? ResolvedNetwork.DefaultDnsTtl,
                BridgeName: network.Driver == NetworkDriver.Bridge ? Naming.BridgeNameOf(context.Project, network) : null,
                Parent: parent,
                Mode: network.Driver == NetworkDriver.Macvlan ? network.Mode ?? Model.MacvlanMode.Bridge : null,
                HostBindingIpv4: network.HostBindingIpv4,
                Label: label));
        }
        return ResolveIpv6Networks(context, specs, result.ToImmutable());
    }

    /// <summary>
    /// The gateway the network's bridge already has, when the file leaves it open: kept, as the
    /// subnet is. A rule for choosing it may change between versions (the ip_range one did); a
    /// bridge that was given .1 must not move under containers that hold the new choice.
    /// </summary>
    private static Ipv4Address? HeldGateway(ResolveContext context, Label label, Ipv4Prefix subnet)
    {
        foreach (var a in context.Observed.Addresses)
            if (a.Namespace == HostState.Host && a.Owner == label && !a.Address.IsV6 && a.Address.V4.Network == subnet) return a.Address.V4.Address;
        return null;
    }

    /// <summary>
    /// Docker's: the first address IPAM hands out, which with an ip_range is the range's first
    /// (libnetwork asks for the gateway from the range's pool): 10.30.0.128 for 10.30.0.128/25 in
    /// 10.30.0.0/24; never the subnet's own network address.
    /// </summary>
    private static Ipv4Address DefaultGateway(Ipv4Prefix subnet, Ipv4Prefix? ipRange) =>
        ipRange is { } r && r.First != subnet.First ? r.First : subnet.First.Add(1);

    private static bool UsesDefaultBridge(TopologyFile spec) => spec.Containers.Any(c =>
        c.Mode == NetworkModeKind.Networks &&
        (c.Networks.IsEmpty || c.Networks.Any(a => a.Network == Naming.DefaultBridgeNetwork)));

    private static NetworkSpec DefaultBridgeSpec(TopologyFile spec) => new(
        Naming.DefaultBridgeNetwork, NetworkDriver.Bridge, null, null, null, [], null, null, null, null,
        null, null, null, null, null, ImmutableSortedDictionary<string, string>.Empty, spec.Span,
        ImmutableDictionary<string, SourceSpan>.Empty);

    private static Label LabelOf(ResolveContext context, NetworkSpec network) =>
        network.Name == Naming.DefaultBridgeNetwork
            ? new Label(Label.SharedProject, LabelRole.Network, Naming.DefaultBridgeNetwork)
            : new Label(context.Project, LabelRole.Network, network.Name);

    private static bool Free(NetworkSpec network, Ipv4Prefix p, List<SubnetUse> inUse, List<Ipv4Prefix> chosen) =>
        !inUse.Any(u => u.Subnet.Overlaps(p) && u.Concerns(network)) && !chosen.Any(c => c.Overlaps(p));

    /// <summary>Stable once chosen: the subnet of the network's bridge, or of its endpoints, as observed.</summary>
    private static Ipv4Prefix? HeldSubnet(
        ResolveContext context, NetworkSpec network, Label label, List<SubnetUse> inUse, List<Ipv4Prefix> chosen)
    {
        foreach (var a in context.Observed.Addresses)
        {
            var owner = a.Owner;
            var mine = owner == label || (owner is { Role: LabelRole.Endpoint } e && e.Project == context.Project && e.Network == network.Name);
            if (mine && !a.Address.IsV6 && Free(network, a.Address.V4.Network, inUse, chosen)) return a.Address.V4.Network;
        }
        return null;
    }

    private static Ipv4Prefix? PoolSubnet(ResolveContext context, NetworkSpec network, List<SubnetUse> inUse, List<Ipv4Prefix> chosen)
    {
        var isDefault = network.Name == Naming.DefaultBridgeNetwork;
        foreach (var pool in DefaultPools.Subnets)
            if (DefaultPools.Allows(pool, isDefault) && Free(network, pool, inUse, chosen)) return pool;
        context.Error(network.Span,
            $"network '{network.Name}': every default address pool overlaps a subnet already in use on the host or in this file; give it a subnet");
        return null;
    }

    /// <summary>
    /// A macvlan parent must exist, unless it is a VLAN sub-interface (<c>ens33.21</c>) of one that
    /// does: topo then creates it, and deletes it again only because it carries topo's label.
    /// </summary>
    private static LinkRef? ResolveParent(ResolveContext context, NetworkSpec network)
    {
        var name = network.Parent!;
        var parent = new LinkRef(HostState.Host, name);
        if (context.Observed.FindLink(parent) is not null || context.Options.AssumeParentsExist) return parent;
        if (VlanName.TryParse(name, out var lower, out _))
        {
            if (context.Observed.FindLink(new LinkRef(HostState.Host, lower)) is not null) return parent;
            context.Error(network.At("parent"),
                $"network '{network.Name}': parent {name} is a VLAN of {lower}, and {lower} does not exist on this host");
            return null;
        }
        context.Error(network.At("parent"), $"network '{network.Name}': parent interface {name} does not exist on this host");
        return null;
    }
}
