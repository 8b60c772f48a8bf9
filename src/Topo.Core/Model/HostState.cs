using System.Collections.Immutable;

namespace Topo.Core.Model;

/// <summary>
/// The network state of a host: the host namespace plus named namespaces. The same type holds
/// Desired (what the file asks for) and Observed (what the kernel has: objects topo owns, and
/// foreign objects it must not collide with, whose <see cref="Resource.Owner"/> is null).
/// </summary>
public sealed record HostState(
    ImmutableArray<NamespaceState> Namespaces,
    ImmutableArray<LinkState> Links,
    ImmutableArray<AddressState> Addresses,
    ImmutableArray<RouteState> Routes,
    ImmutableArray<SysctlState> Sysctls)
{
    /// <summary>nftables: the project's table, its base chains, sets, rules and elements (empty without a firewall).</summary>
    public ImmutableArray<Resource> Firewall { get; init; } = [];

    /// <summary>Configuration files of named namespaces (/etc/netns/NS/resolv.conf and hosts).</summary>
    public ImmutableArray<NamespaceFileState> Files { get; init; } = [];

    /// <summary>
    /// The host's own resolver configuration (observed only; <see cref="ResolvConf.Empty"/> when
    /// unknown): what containers without the embedded DNS server are given.
    /// </summary>
    public ResolvConf HostResolvConf { get; init; } = ResolvConf.Empty;

    /// <summary>
    /// Docker's chain for its users' rules (<c>ip filter DOCKER-USER</c>) is there (observed only):
    /// topo then keeps accepts for its bridges in it (<see cref="Firewall.DockerUser"/>).
    /// </summary>
    public bool DockerUserChain { get; init; }

    /// <summary>
    /// Tables not topo's with a base chain on the forward hook (observed only; Docker's
    /// <c>ip filter</c> with DOCKER-USER is not among them: topo keeps its accepts there).
    /// What would drop topo's traffic there is an error (<see cref="Firewall.ForeignDrops"/>).
    /// </summary>
    public ImmutableArray<ForeignTable> ForeignFirewall { get; init; } = [];

    /// <summary>The name used for the host's own namespace.</summary>
    public const string Host = "";

    public static HostState Empty { get; } = new([], [], [], [], []);

    public IEnumerable<Resource> All() =>
        Sysctls.Cast<Resource>().Concat(Namespaces).Concat(Links).Concat(Addresses).Concat(Routes).Concat(Firewall).Concat(Files);

    /// <summary>How many resources <see cref="All"/> yields (to size an index once).</summary>
    public int Count => Sysctls.Length + Namespaces.Length + Links.Length + Addresses.Length + Routes.Length + Firewall.Length + Files.Length;

    public LinkState? FindLink(LinkRef link) =>
        Links.FirstOrDefault(l => l.Namespace == link.Namespace && l.Name == link.Name);

    public NamespaceState? FindNamespace(string name) => Namespaces.FirstOrDefault(n => n.Name == name);

    public static HostState From(IEnumerable<Resource> resources)
    {
        var list = resources.ToList();
        return new HostState(
            [.. list.OfType<NamespaceState>()],
            [.. list.OfType<LinkState>()],
            [.. list.OfType<AddressState>()],
            [.. list.OfType<RouteState>()],
            [.. list.OfType<SysctlState>()])
        {
            Firewall = [.. list.Where(r => r is FirewallTableState or FirewallChainState or FirewallSetState or FirewallRuleState or FirewallElementState)],
            Files = [.. list.OfType<NamespaceFileState>()],
        };
    }
}
