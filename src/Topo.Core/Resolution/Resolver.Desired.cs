using Topo.Core.Addressing;
using Topo.Core.Model;
using Topo.Core.Spec;

namespace Topo.Core.Resolution;

public static partial class Resolver
{
    /// <summary>The kernel objects the topology needs, each labelled with its owner.</summary>
    private static HostState BuildDesired(ResolveContext context, IReadOnlyList<ResolvedNetwork> networks, IReadOnlyList<ResolvedContainer> containers)
    {
        var resources = new List<Resource>();
        foreach (var network in networks)
        {
            if (network.Driver == NetworkDriver.Bridge)
            {
                resources.Add(new LinkState(HostState.Host, network.BridgeName!, LinkKind.Bridge)
                {
                    Owner = network.Label, Up = true, Mtu = network.Mtu,
                    Mac = Naming.BridgeMac(network.Label.Project, network.Name),
                });
                if (BridgeSysctls.HasIpv6(network.Mtu)) resources.Add(new SysctlState(HostState.Host, BridgeSysctls.AcceptRa(network.BridgeName!), "0"));
                resources.Add(new AddressState(HostState.Host, network.BridgeName!, new Ipv4Prefix(network.Gateway, network.Subnet.Length))
                {
                    Owner = network.Label,
                });
                if (network.Ipv6Subnet is { } subnet6)
                    resources.Add(new AddressState(HostState.Host, network.BridgeName!, new Ipv6Prefix(network.Ipv6Gateway!.Value, subnet6.Length))
                    {
                        Owner = network.Label,
                    });
            }
            else if (network.Parent is { } parent && VlanName.TryParse(parent.Name, out var lower, out var vid) &&
                     context.Observed.FindLink(parent) is not { Owner: null })
            {
                // A VLAN parent topo creates (or created before): it is ours to keep in shape.
                resources.Add(new LinkState(HostState.Host, parent.Name, LinkKind.Vlan)
                {
                    Owner = new Label(context.Project, LabelRole.Parent, network.Name),
                    Up = true,
                    Parent = new LinkRef(HostState.Host, lower),
                    Details = new VlanDetails(vid),
                });
            }
        }

        var byNetwork = networks.ToDictionary(n => n.Name);
        foreach (var container in containers)
        {
            if (container.Namespace is not { } ns) continue;
            if (container.Mode == NetworkModeKind.Container)
            {
                var owner = OwnerOfNamespace(context.Spec, context.Spec.FindContainer(container.Name)!)!;
                resources.Add(new NamespaceState(ns, owner.Name) { Owner = container.Label });
                continue;
            }
            resources.Add(new NamespaceState(ns) { Owner = container.Label });
            resources.Add(new LinkState(ns, "lo", LinkKind.Loopback) { Owner = container.Label, Up = true });
            // The port the container's published ports lead to turns hairpin on: with
            // br_netfilter, the container reaching its own port through a host address gets the
            // DNATed packet bridged back out of the port it came in on.
            var hairpin = container.Ports.IsEmpty ? null : container.PublishEndpoint(byNetwork.GetValueOrDefault)?.Endpoint;
            foreach (var e in container.Endpoints)
                AddEndpoint(resources, ns, e, byNetwork[e.Network], container.Label, hairpin: ReferenceEquals(e, hairpin));
        }
        return HostState.From(resources);
    }

    /// <summary>
    /// One interface name, one object: a <c>bridge_name</c> equal to another network's hashed name,
    /// to a VLAN parent, or two hashed veth names that happen to meet would otherwise ask for two
    /// different interfaces under one name. An error at the <c>bridge_name</c> that chose it, if any.
    /// </summary>
    private static void CheckInterfaceNamesUnique(ResolveContext context, HostState desired)
    {
        // Every resolve checks; only a clash is worth grouping for (1,500 links at 500 containers).
        var names = new HashSet<LinkRef>(desired.Links.Length);
        if (desired.Links.All(l => names.Add(l.Ref))) return;
        foreach (var clash in desired.Links.GroupBy(l => l.Ref).Where(g => g.Count() > 1))
        {
            var owners = clash.Select(l => l.Owner).ToList();
            var chosen = owners
                .Select(o => o is { Role: LabelRole.Network } n ? context.Spec.FindNetwork(n.Name) : null)
                .FirstOrDefault(n => n?.BridgeName is not null);
            var what = string.Join(" and ", owners.Select(Describe));
            var fix = chosen is not null
                ? "choose another bridge_name"
                : "rename one of the containers or networks (a veth's name is a hash of project/container/network)";
            context.Error(chosen?.At("bridge_name") ?? context.Spec.Span,
                $"interface {clash.Key} would be both {what}; {fix}");
        }
    }

    private static string Describe(Label? owner) => owner switch
    {
        { Role: LabelRole.Network, IsShared: true } => "the shared default bridge",
        { Role: LabelRole.Network } o => $"the bridge of network '{o.Name}'",
        { Role: LabelRole.Endpoint } o => $"the veth of container '{o.Container}' on network '{o.Network}'",
        { Role: LabelRole.Parent } o => $"the VLAN parent of network '{o.Name}'",
        { } o => $"an interface of '{o.Name}'",
        null => "an interface",
    };

    private static void AddEndpoint(List<Resource> resources, string ns, ResolvedEndpoint e, ResolvedNetwork network, Label containerLabel, bool hairpin)
    {
        if (network.Driver == NetworkDriver.Bridge)
        {
            resources.Add(new LinkState(HostState.Host, e.HostInterface!, LinkKind.Veth)
            {
                Owner = e.Label, Up = true, Mtu = network.Mtu, Master = network.BridgeName,
                Peer = new LinkRef(ns, e.Interface),
                // ICC off: isolated ports have no layer-2 path to each other, only to the bridge.
                Isolated = !network.Icc,
                Hairpin = hairpin,
            });
            resources.Add(new LinkState(ns, e.Interface, LinkKind.Veth)
            {
                Owner = e.Label, Up = true, Mtu = network.Mtu, Mac = e.Mac,
                Peer = new LinkRef(HostState.Host, e.HostInterface!),
            });
        }
        else
        {
            resources.Add(new LinkState(ns, e.Interface, LinkKind.Macvlan)
            {
                Owner = e.Label, Up = true, Mtu = network.Mtu, Mac = e.Mac,
                Parent = network.Parent, Details = new MacvlanDetails(network.Mode!.Value),
            });
        }
        resources.Add(new AddressState(ns, e.Interface, new Ipv4Prefix(e.Address, e.PrefixLength)) { Owner = e.Label });
        if (e.DefaultRoute)
            resources.Add(new RouteState(ns, new Ipv4Prefix(Ipv4Address.Any, 0))
            {
                Owner = containerLabel, Gateway = network.Gateway, Device = e.Interface,
            });
        if (e.Ipv6Address is { } address6)
            resources.Add(new AddressState(ns, e.Interface, new Ipv6Prefix(address6, network.Ipv6Subnet!.Value.Length)) { Owner = e.Label });
        if (e.Ipv6DefaultRoute)
            // Metric 0: the family's default, which the kernel stores (and Docker shows) as 1024.
            resources.Add(new RouteState(ns, new Ipv6Prefix(Ipv6Address.Any, 0))
            {
                Owner = containerLabel, Gateway = network.Ipv6Gateway, Device = e.Interface,
            });
    }
}
