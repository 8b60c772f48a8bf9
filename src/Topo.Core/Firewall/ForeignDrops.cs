using System.Collections.Immutable;
using Topo.Core.Model;
using Topo.Core.Resolution;
using Topo.Core.Spec;

namespace Topo.Core.Firewall;

/// <summary>
/// Other firewall managers: a drop in any base chain is final, whatever topo's own table accepts.
/// For each foreign base chain (<see cref="HostState.ForeignFirewall"/>), walk the packets of the
/// project's traffic classes that pass its hook (<see cref="TrafficClasses"/>, <see cref="ChainPath"/>);
/// one dropped on every path is an error naming the table, chain and rule, with a one-line fix: the
/// plan would otherwise say "No changes" while the traffic goes nowhere. A drop that only IPv6
/// traffic meets (Docker 20.10's ip6 filter FORWARD, policy DROP) is a warning with the same text:
/// IPv4 still works, and refusing would make a dual-stack file unusable next to such a Docker.
/// </summary>
public static class ForeignDrops
{
    /// <returns>Errors, and warnings for drops only IPv6 traffic meets.</returns>
    public static ImmutableArray<Diagnostic> Check(Topology topology, HostState observed)
    {
        if (observed.ForeignFirewall.IsEmpty) return [];
        var bridges = observed.Links.Where(l => l.Namespace == HostState.Host && l.Type == LinkKind.Bridge && l.Owner is not null)
            .Select(l => l.Name)
            .Concat(topology.Networks.Select(n => n.BridgeName).OfType<string>())
            .ToHashSet(StringComparer.Ordinal);
        var bridgeNetfilter = observed.Sysctls.Any(s => s.Namespace == HostState.Host && s.Name == TrafficClasses.BridgeNetfilterSysctl && s.Value == "1");
        var classes = TrafficClasses.Of(topology, bridgeNetfilter, Uplinks(observed, bridges));
        if (classes.Count == 0) return [];
        // IPv6 traffic passes ip6 and inet tables, and only a network with IPv6 has any.
        var ipv6Bridges = topology.Networks.Where(n => n.Ipv6Subnet is not null).Select(n => n.BridgeName).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var findings = ImmutableArray.CreateBuilder<Diagnostic>();
        foreach (var table in observed.ForeignFirewall)
        {
            var (v4, v6) = (table.Family != "ip6", table.Family is "ip6" or "inet" or "netdev");
            foreach (var chain in table.Chains.Where(c => c.Hook is not null))
            {
                if (FamilyKind(table.Family, chain.Hook!) is not { } kind) continue;
                // Docker's FORWARD: topo keeps its own accepts in DOCKER-USER, which FORWARD jumps to first.
                if (observed.DockerUserChain && IsDockers(table) && chain.Hook == "forward") continue;
                var dropped = new List<(TrafficClass Class, HookPacket Packet, string By, string What, bool Ipv6)>();
                foreach (var c in classes)
                {
                    foreach (var packet in c.Packets.Where(p => p.Family == kind && p.Hook == chain.Hook && Enters(p, chain)))
                    {
                        if (v4 && ChainPath.Walk(table, chain, packet, bridges) is { Verdict: PathVerdict.Dropped } outcome)
                            dropped.Add((c, packet, outcome.By!, c.What, false));
                        if (v6 && ipv6Bridges.Contains(c.Bridge) && ChainPath.Walk(table, chain, packet, bridges, ipv6: true) is { Verdict: PathVerdict.Dropped } outcome6)
                            dropped.Add((c, packet, outcome6.By!, c.What + " over IPv6", true));
                    }
                }
                foreach (var group in dropped.GroupBy(d => d.By))
                {
                    var what = string.Join("; ", group.Select(d => d.What).Distinct());
                    var type = chain.Type is null or "filter" ? "" : $"type {chain.Type}, ";
                    var ipv6Only = group.All(d => d.Ipv6);
                    var message =
                        $"table {table.Family} {table.Name}, chain {chain.Name} ({type}hook {chain.Hook}{Devices(chain)}, priority {chain.Priority}, policy {chain.Policy}) " +
                        $"drops topo's {(ipv6Only ? "IPv6 " : "")}traffic by {group.Key}: {what}. A drop in any table is final: topo's own table cannot accept it" +
                        (ipv6Only ? " (IPv4 is not affected, so topo goes on; these networks have no working IPv6 until it is fixed). " : ". ") +
                        $"Fix ({Manager(table, chain)}): {Fix(table, chain, [.. group.Select(d => (d.Class, d.Packet))], bridges)}";
                    findings.Add(ipv6Only ? Diagnostic.Warning(null, message) : Diagnostic.Error(null, message));
                }
            }
        }
        return findings.ToImmutable();
    }

    /// <summary>
    /// Which packets a chain sees: ip, ip6 and inet the IP hooks (ip6 IPv6 only), bridge the bridge's,
    /// netdev's and inet's ingress the packets entering by a device; arp and netdev's egress none of topo's (not read).
    /// </summary>
    private static string? FamilyKind(string family, string hook) => (family, hook) switch
    {
        ("netdev" or "inet", "ingress") => TrafficClasses.IngressFamily,
        (_, "ingress") => null,
        ("ip" or "inet" or "ip6", _) => "ip",
        ("bridge", _) => "bridge",
        _ => null,
    };

    /// <summary>An ingress chain's devices as nft lists them.</summary>
    private static string Devices(ForeignChain chain) => chain.Devices.Length switch
    {
        0 => "",
        1 => $" device {chain.Devices[0]}",
        _ => $" devices {{ {string.Join(", ", chain.Devices)} }}",
    };

    /// <summary>An ingress chain sees what enters by the devices it is bound to, and nothing else; other hooks see every packet.</summary>
    private static bool Enters(HookPacket packet, ForeignChain chain) =>
        chain.Hook != "ingress" || (packet.In is { } device && chain.Devices.Any(d => d.EndsWith('*') ? device.StartsWith(d[..^1], StringComparison.Ordinal) : d == device));

    /// <summary>The devices of the host's routes through a gateway (the default route's, usually): the outside enters by them.</summary>
    private static List<string> Uplinks(HostState observed, IReadOnlySet<string> bridges) =>
        [.. observed.Routes.Where(r => r.Namespace == HostState.Host && r.Gateway is not null && r.Device is { } d && !bridges.Contains(d))
            .Select(r => r.Device!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    private static bool IsDockers(ForeignTable table) => table.Family == DockerUser.Family && table.Name == DockerUser.Table;

    /// <summary>
    /// Who manages the chain, when recognisably someone: their fix, not an nft rule they would remove
    /// again or could not read back. A built-in chain of iptables-nft is iptables' (ip6tables' in
    /// family ip6), unless ufw's chains show ufw drives it.
    /// </summary>
    public static string Manager(ForeignTable table, ForeignChain chain) => table switch
    {
        { Family: "inet", Name: "firewalld" } => "firewalld",
        { Family: "ip", Name: "filter" } when table.Chains.Any(c => c.Name.StartsWith("ufw-", StringComparison.Ordinal)) => "ufw",
        _ when DropFix.IsIptablesChain(table, chain) => DropFix.Tool(table),
        _ => "nft",
    };

    private static string Fix(ForeignTable table, ForeignChain chain, IReadOnlyList<(TrafficClass Class, HookPacket Packet)> dropped, IReadOnlySet<string> bridges)
    {
        var named = dropped.Select(d => d.Class.Bridge).Distinct().Order(StringComparer.Ordinal).ToList();
        return (Manager(table, chain), chain.Hook) switch
        {
            // Neither firewalld nor ufw writes ingress chains: a hand-written one gets an nft line.
            (_, "ingress") => DropFix.Nft(table, chain, dropped, bridges),
            // A trusted zone accepts everything its interfaces send, as Docker's own zone does.
            ("firewalld", _) => $"firewall-cmd --permanent --zone=trusted {string.Join(' ', named.Select(b => $"--add-interface={b}"))} && firewall-cmd --reload",
            ("ufw", "forward") => string.Join(" && ", named.SelectMany(b => new[] { $"ufw route allow in on {b}", $"ufw route allow out on {b}" })),
            ("ufw", "input") => string.Join(" && ", named.Select(b => $"ufw allow in on {b}")),
            ("iptables" or "ip6tables", _) => DropFix.Iptables(table, chain, dropped, bridges),
            _ => DropFix.Nft(table, chain, dropped, bridges),
        };
    }
}
