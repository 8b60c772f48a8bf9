using Topo.Core.Model;
using Topo.Core.Resolution;

namespace Topo.Core.Firewall;

/// <summary>The project's firewall as desired kernel objects, added to what resolution decided.</summary>
public static class FirewallDesired
{
    /// <summary>Routing between containers and the outside needs forwarding; Docker turns it on too.</summary>
    public const string IpForwardSysctl = "net.ipv4.ip_forward";

    /// <summary>IPv6's twin of <see cref="IpForwardSysctl"/>, on when a non-internal network has IPv6 (Docker sets it with --ipv6).</summary>
    public const string Ipv6ForwardSysctl = "net.ipv6.conf.all.forwarding";

    /// <summary>
    /// The firewall (NAT, published ports, isolation, ICC), its rules in Docker's chain when that
    /// chain is on the host, and the kernel settings the rules rely on (forwarding; route_localnet
    /// for ports on 127.0.0.1): decided here alone, from the same bridges the rules are for.
    /// </summary>
    public static HostState Add(Topology topology)
    {
        var ruleset = RulesetBuilder.Build(topology);
        var desired = topology.Desired;
        var sysctls = desired.Sysctls.ToList();
        foreach (var (key, value) in ruleset.RequiredSysctls)
            if (!sysctls.Any(s => s.Name == key)) sysctls.Add(new SysctlState(HostState.Host, key, value));
        return desired with
        {
            Sysctls = [.. sysctls],
            Firewall = ruleset.Rules.IsEmpty ? [] :
                [.. FirewallResources.From(ruleset), .. topology.DockerUser ? DockerUser.Resources(topology) : []],
        };
    }

    /// <summary>
    /// Docker's chain is there: observed as such, or known from topo's own rules in it (a state
    /// snapshot, docs/state-json.md, carries the rules but not the chain).
    /// </summary>
    public static bool DockerUserPresent(HostState observed) =>
        observed.DockerUserChain || observed.Firewall.Any(DockerUser.Holds);
}
