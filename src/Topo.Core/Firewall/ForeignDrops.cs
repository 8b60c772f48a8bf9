using System.Collections.Immutable;
using Topo.Core.Model;
using Topo.Core.Resolution;
using Topo.Core.Spec;

namespace Topo.Core.Firewall;

/// <summary>
/// Other firewall managers: a drop in any base chain on the forward hook is final, whatever topo's
/// own table accepts. For each foreign base chain there (<see cref="HostState.ForeignFirewall"/>),
/// walk the classes of the project's forwarded traffic through it (<see cref="ForwardPath"/>); one
/// that is dropped on every path is an error naming the table, chain and rule, with a one-line fix:
/// the plan would otherwise say "No changes" while the traffic goes nowhere.
/// </summary>
public static class ForeignDrops
{
    public static ImmutableArray<Diagnostic> Check(Topology topology, HostState observed)
    {
        if (observed.ForeignFirewall.IsEmpty) return [];
        var classes = Classes(topology);
        if (classes.Count == 0) return [];
        var bridges = observed.Links.Where(l => l.Namespace == HostState.Host && l.Type == LinkKind.Bridge && l.Owner is not null)
            .Select(l => l.Name)
            .Concat(topology.Networks.Select(n => n.BridgeName).OfType<string>())
            .ToHashSet(StringComparer.Ordinal);
        var errors = ImmutableArray.CreateBuilder<Diagnostic>();
        foreach (var table in observed.ForeignFirewall)
        {
            foreach (var chain in table.Chains.Where(c => c.Hook == "forward"))
            {
                var dropped = new List<(TrafficClass Class, string By)>();
                foreach (var c in classes)
                {
                    var outcome = ForwardPath.Walk(table, chain, c, bridges);
                    if (outcome.Verdict == PathVerdict.Dropped) dropped.Add((c, outcome.By!));
                }
                foreach (var group in dropped.GroupBy(d => d.By))
                {
                    var what = string.Join("; ", group.Select(d => d.Class.What));
                    var hit = group.SelectMany(d => new[] { d.Class.In, d.Class.Out }).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
                    errors.Add(Diagnostic.Error(null,
                        $"table {table.Family} {table.Name}, chain {chain.Name} (hook forward, priority {chain.Priority}, policy {chain.Policy}) " +
                        $"drops topo's traffic by {group.Key}: {what}. A drop in any table is final: topo's own table cannot accept it. " +
                        $"Fix ({Manager(table)}): {Fix(table, chain, hit)}"));
                }
            }
        }
        return errors.ToImmutable();
    }

    /// <summary>
    /// What the project forwards, per bridge network that is not internal: its containers'
    /// connections out and the replies, and where it publishes ports, connections to them and
    /// their replies.
    /// </summary>
    public static List<TrafficClass> Classes(Topology topology)
    {
        var published = topology.Containers.Where(c => !c.Ports.IsEmpty).SelectMany(c => c.Endpoints).Select(e => e.Network).ToHashSet(StringComparer.Ordinal);
        var classes = new List<TrafficClass>();
        foreach (var n in topology.Networks.Where(n => n.Driver == NetworkDriver.Bridge && !n.Internal && n.BridgeName is not null))
        {
            var b = n.BridgeName!;
            classes.Add(new TrafficClass($"connections from containers on {b} out", b, null, New: true, Dnat: false));
            classes.Add(new TrafficClass($"replies to them on {b}", null, b, New: false, Dnat: false));
            if (!published.Contains(n.Name)) continue;
            classes.Add(new TrafficClass($"connections to published ports on {b}", null, b, New: true, Dnat: true));
            classes.Add(new TrafficClass($"replies from published ports on {b}", b, null, New: false, Dnat: true));
        }
        return classes;
    }

    /// <summary>Who manages the table, when recognisably someone: their fix, not an nft rule they would remove again.</summary>
    public static string Manager(ForeignTable table) => table switch
    {
        { Family: "inet", Name: "firewalld" } => "firewalld",
        { Family: "ip", Name: "filter" } when table.Chains.Any(c => c.Name.StartsWith("ufw-", StringComparison.Ordinal)) => "ufw",
        _ => "nft",
    };

    public static string Fix(ForeignTable table, ForeignChain chain, IReadOnlyList<string> bridges) => Manager(table) switch
    {
        "firewalld" => $"firewall-cmd --permanent --zone=trusted {string.Join(' ', bridges.Select(b => $"--add-interface={b}"))} && firewall-cmd --reload",
        "ufw" => string.Join(" && ", bridges.SelectMany(b => new[] { $"ufw route allow in on {b}", $"ufw route allow out on {b}" })),
        _ => NftFix(table, chain, bridges),
    };

    /// <summary>Accepts for the bridges at the top of the chain, both ways (as in Docker's DOCKER-USER), as one nft command line.</summary>
    private static string NftFix(ForeignTable table, ForeignChain chain, IReadOnlyList<string> bridges)
    {
        var set = "{ " + string.Join(", ", bridges.Select(NftText.Quote)) + " }";
        var at = $"{table.Family} {table.Name} {chain.Name}";
        return $"nft 'insert rule {at} iifname {set} accept; insert rule {at} oifname {set} accept'";
    }
}
