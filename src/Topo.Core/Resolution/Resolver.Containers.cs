using System.Collections.Immutable;
using Topo.Core.Addressing;
using Topo.Core.Model;
using Topo.Core.Spec;

namespace Topo.Core.Resolution;

public static partial class Resolver
{
    /// <summary>An attachment on its way to an address.</summary>
    private sealed class PendingEndpoint(ContainerSpec container, AttachmentSpec attachment, int index, ResolvedNetwork network, Label label)
    {
        public ContainerSpec Container { get; } = container;
        public AttachmentSpec Attachment { get; } = attachment;
        public int Index { get; } = index;
        public ResolvedNetwork Network { get; } = network;
        public Label Label { get; } = label;
        public Ipv4Address? Address { get; set; }
        public Ipv6Address? Address6 { get; set; }

        /// <summary>The MAC the interface gets: the one given, else derived from the IPv4 address (Docker's 02:42:…).</summary>
        public MacAddress Mac => Attachment.MacAddress ?? MacAddress.FromIpv4(Address!.Value);
    }

    /// <summary>
    /// Addresses in three passes so nobody is renumbered: static addresses first, then each
    /// endpoint keeps the address it holds on the host, then the rest get the lowest free one
    /// in file order. A static address that another endpoint of the project holds and would keep
    /// is an error (Docker: "Address already in use"), never a silent renumbering of the holder.
    /// </summary>
    private static ImmutableArray<ResolvedContainer> ResolveContainers(ResolveContext context, ImmutableArray<ResolvedNetwork> networks)
    {
        var byName = networks.ToDictionary(n => n.Name);
        var allocators = networks.ToDictionary(n => n.Name, n => new AddressAllocator(
            n.Subnet, n.IpRange,
            (context.Spec.FindNetwork(n.Name)?.AuxAddresses.Where(a => !a.Address.IsV6).Select(a => a.Address.V4) ?? []).Append(n.Gateway)));
        var pending = new List<PendingEndpoint>();
        foreach (var container in context.Spec.Containers)
        {
            if (container.Mode != NetworkModeKind.Networks) continue;
            var attachments = container.Networks.IsEmpty ? [DefaultAttachment(container)] : container.Networks;
            for (var i = 0; i < attachments.Length; i++)
            {
                var a = attachments[i];
                if (!byName.TryGetValue(a.Network, out var network)) continue; // reported where the network failed
                pending.Add(new PendingEndpoint(container, a, i, network,
                    Label.Endpoint(context.Project, container.Name, a.Network)));
            }
        }

        TakeAddressesOfOthers(context, networks, allocators);
        var held = HeldAddresses(context);
        var keepers = Keepers(pending, held, allocators);
        foreach (var p in pending.Where(p => p.Attachment.Ipv4 is not null))
        {
            var address = p.Attachment.Ipv4!.Value;
            var allocator = allocators[p.Network.Name];
            if (allocator.IsTaken(address))
                context.Error(p.Attachment.At("ipv4"),
                    $"container '{p.Container.Name}': address {address} on network '{p.Network.Name}' is already in use on the host");
            else if (keepers.TryGetValue((p.Network.Name, address), out var holder))
                // Docker: "Address already in use". Taking it would renumber a running container.
                context.Error(p.Attachment.At("ipv4"),
                    $"container '{p.Container.Name}': address {address} on network '{p.Network.Name}' is already in use by container " +
                    $"'{holder.Container.Name}' (allocated to it earlier; topo never renumbers a running container); " +
                    $"choose another address for '{p.Container.Name}', or give '{holder.Container.Name}' another one with ipv4:");
            allocator.Take(address);
            p.Address = address;
        }
        foreach (var p in pending.Where(p => p.Address is null))
        {
            if (held.TryGetValue(p.Label, out var address) && allocators[p.Network.Name].CanKeep(address))
            {
                allocators[p.Network.Name].Take(address);
                p.Address = address;
            }
        }
        foreach (var p in pending.Where(p => p.Address is null))
        {
            if (allocators[p.Network.Name].TryAllocate(out var address)) p.Address = address;
            else context.Error(p.Attachment.Span,
                $"container '{p.Container.Name}': network '{p.Network.Name}' has no free address left in {p.Network.IpRange ?? p.Network.Subnet}");
        }

        AllocateIpv6(context, networks, pending);

        // Grouped by reference once: filtering the list per container compared records (deeply) N² times.
        var byContainer = new Dictionary<ContainerSpec, List<PendingEndpoint>>(ReferenceEqualityComparer.Instance);
        foreach (var p in pending)
        {
            if (!byContainer.TryGetValue(p.Container, out var list)) byContainer[p.Container] = list = [];
            list.Add(p);
        }
        return [.. context.Spec.Containers.Select(c => BuildContainer(context, c, byContainer.GetValueOrDefault(c) ?? []))];
    }

    private static AttachmentSpec DefaultAttachment(ContainerSpec container) =>
        new(Naming.DefaultBridgeNetwork, null, [], 0, null, container.Span, ImmutableDictionary<string, SourceSpan>.Empty);

    /// <summary>
    /// Addresses inside our subnets held by anything that is not one of this project's endpoints:
    /// another project's container on the shared bridge, the host's own NIC on a macvlan subnet.
    /// </summary>
    private static void TakeAddressesOfOthers(
        ResolveContext context, ImmutableArray<ResolvedNetwork> networks, Dictionary<string, AddressAllocator> allocators)
    {
        foreach (var a in context.Observed.Addresses)
        {
            if (a.Owner is { Role: LabelRole.Endpoint } l && l.Project == context.Project) continue;
            if (a.Owner is { Role: LabelRole.Network } || a.Address.IsV6) continue; // a gateway: reserved already
            foreach (var n in networks)
                if (n.Subnet.Contains(a.Address.V4.Address)) allocators[n.Name].Take(a.Address.V4.Address);
        }
    }

    /// <summary>
    /// Endpoints without a static address that hold an address they may keep (in the range, not
    /// reserved, not another's): by network and address. A static address among them is refused.
    /// </summary>
    private static Dictionary<(string Network, Ipv4Address Address), PendingEndpoint> Keepers(
        List<PendingEndpoint> pending, Dictionary<Label, Ipv4Address> held, Dictionary<string, AddressAllocator> allocators)
    {
        var keepers = new Dictionary<(string, Ipv4Address), PendingEndpoint>();
        foreach (var p in pending)
            if (p.Attachment.Ipv4 is null && held.TryGetValue(p.Label, out var address) && allocators[p.Network.Name].CanKeep(address))
                keepers.TryAdd((p.Network.Name, address), p);
        return keepers;
    }

    private static Dictionary<Label, Ipv4Address> HeldAddresses(ResolveContext context)
    {
        var held = new Dictionary<Label, Ipv4Address>();
        foreach (var a in context.Observed.Addresses)
            if (a.Owner is { Role: LabelRole.Endpoint } l && l.Project == context.Project && !a.Address.IsV6)
                held.TryAdd(l, a.Address.V4.Address);
        return held;
    }

    private static ResolvedContainer BuildContainer(ResolveContext context, ContainerSpec container, List<PendingEndpoint> endpoints)
    {
        var label = new Label(context.Project, LabelRole.Container, container.Name);
        var ns = container.Mode switch
        {
            NetworkModeKind.Networks or NetworkModeKind.None => container.Name,
            NetworkModeKind.Container => container.Name,
            _ => null,
        };
        if (container.Mode == NetworkModeKind.Container && OwnerOfNamespace(context.Spec, container) is null) ns = null;
        var gateway = DefaultRouteEndpoint(endpoints);
        var gateway6 = DefaultRouteEndpoint([.. endpoints.Where(p => p.Address6 is not null)]);
        var resolved = endpoints
            .Where(p => p.Address is not null)
            .Select(p => new ResolvedEndpoint(
                p.Network.Name,
                Naming.ContainerInterface(p.Index),
                p.Address!.Value,
                p.Network.Subnet.Length,
                p.Mac,
                p.Network.Driver == NetworkDriver.Bridge ? Naming.HostVethName(context.Project, container.Name, p.Network.Name) : null,
                p.Attachment.Aliases,
                p == gateway,
                p.Label)
            {
                Ipv6Address = p.Address6,
                Ipv6DefaultRoute = p.Address6 is not null && p == gateway6,
            })
            .ToImmutableArray();
        return new ResolvedContainer(container.Name, container.Mode, ns, resolved, container.Ports, label);
    }

    /// <summary>
    /// The default route goes through the non-internal network with the highest gw_priority;
    /// on a tie, the first in the container's list. A container only on internal networks gets it
    /// through its internal bridge network (the same choice among those), as Docker 20.10 gives it:
    /// the firewall drops whatever would be forwarded out, so the route reaches the host's own
    /// addresses and nothing beyond — and software that wants a default route finds one.
    /// Internal macvlan networks give none: their gateway is outside the host.
    /// </summary>
    private static PendingEndpoint? DefaultRouteEndpoint(List<PendingEndpoint> endpoints) =>
        Best(endpoints.Where(p => !p.Network.Internal)) ??
        Best(endpoints.Where(p => p.Network.Internal && p.Network.Driver == NetworkDriver.Bridge));

    private static PendingEndpoint? Best(IEnumerable<PendingEndpoint> endpoints)
    {
        PendingEndpoint? best = null;
        foreach (var p in endpoints)
            if (best is null || p.Attachment.GwPriority > best.Attachment.GwPriority) best = p;
        return best;
    }

    /// <summary>
    /// For <c>container:NAME</c>, the container whose namespace is shared, following chains
    /// (the loader rejects cycles); null when the chain ends in host mode (no namespace).
    /// </summary>
    public static ContainerSpec? OwnerOfNamespace(TopologyFile spec, ContainerSpec container)
    {
        var current = container;
        for (var hops = 0; current.Mode == NetworkModeKind.Container && hops <= spec.Containers.Length; hops++)
        {
            var next = current.ModeTarget is { } t ? spec.FindContainer(t) : null;
            if (next is null) return null;
            current = next;
        }
        return current.Mode is NetworkModeKind.Networks or NetworkModeKind.None ? current : null;
    }
}
