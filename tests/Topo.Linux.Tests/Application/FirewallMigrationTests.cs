using Topo.Core.Firewall;
using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Resolution;
using Topo.Core.Spec;
using Topo.Linux.Application;
using Topo.Linux.Nftables;
using Topo.Linux.Observation;

namespace Topo.Linux.Tests.Application;

/// <summary>
/// A host that has topo's table of before IPv6 (<c>table ip topo-P</c>) is converged to the inet
/// one by a normal apply: the old table is observed as topo's and deleted in the transaction that
/// writes the new one.
/// </summary>
public sealed class FirewallMigrationTests
{
    private const string Yaml = """
        version: 1
        name: move
        networks:
          front: {subnet: 10.97.1.0/24}
        containers:
          web: {networks: [front], ports: ["8080:80"]}
        """;

    [Fact]
    public void The_old_ip_table_is_replaced_by_the_inet_one_in_one_transaction()
    {
        Sandbox.Sandbox.SkipUnlessRoot();
        using var sandbox = Sandbox.Sandbox.Create(withOutside: true);
        var resolvConf = Path.Combine(sandbox.Root, "resolv.conf");
        File.WriteAllText(resolvConf, "nameserver 10.99.0.1\n");
        using var applier = new Applier(sandbox.Store, sandbox.Host);
        using var nft = new NftablesClient(sandbox.Thread, sandbox.Host);
        var observer = new Observer(sandbox.Store, sandbox.Host, new ObserverOptions { ResolvConf = resolvConf, SystemdResolvConf = null });
        var spec = SpecLoader.Parse(Yaml, "move.yaml").File!;
        HostState Observe() =>
            observer.Observe("move", [FirewallDesired.IpForwardSysctl, .. Naming.BridgeNamesOf(spec).SelectMany(BridgeSysctls.Of)])
                with { Firewall = FirewallObserver.Observe(nft).Resources };
        Plan PlanFor(HostState host) => Topo.Core.Planning.PlanBuilder.Build(spec, host).Plan!;

        applier.Apply(PlanFor(Observe()));
        // The table as topo wrote it before IPv6: family ip, without the IPv6 twins.
        var table = nft.ReadTable(RulesetBuilder.Family, "topo-move")!;
        static bool Ipv6(string name) => name.EndsWith('6');
        var legacy = table with
        {
            Family = RulesetBuilder.LegacyFamily,
            Rules = [.. table.Rules.Where(r => !r.Comment.EndsWith("(IPv6)", StringComparison.Ordinal))],
            Sets = [.. table.Sets.Where(s => !Ipv6(s.Name))],
            Elements = [.. table.Elements.Where(e => !Ipv6(e.Set))],
        };
        nft.Replace(legacy, [RulesetBuilder.Family]);
        Assert.Equal([("ip", "topo-move")], nft.ListTables().Where(t => t.Name == "topo-move"));

        var plan = PlanFor(Observe());
        Assert.Contains(plan.Actions, a => a is { Kind: ActionKind.Delete, Subject: FirewallTableState { Family: "ip", Name: "topo-move" } });
        Assert.Contains(plan.Actions, a => a is { Kind: ActionKind.Create, Subject: FirewallTableState { Family: "inet", Name: "topo-move" } });
        Assert.DoesNotContain(plan.Actions, a => a.Kind == ActionKind.Delete && a.Subject is not FirewallTableState);
        var generation = sandbox.Thread.Run(sandbox.Host, () => NftablesGeneration.ReadHere()).Id;
        applier.Apply(plan);
        Assert.Equal(generation + 1, sandbox.Thread.Run(sandbox.Host, () => NftablesGeneration.ReadHere()).Id);
        Assert.Equal([("inet", "topo-move")], nft.ListTables().Where(t => t.Name == "topo-move"));
        Assert.True(PlanFor(Observe()).IsEmpty);
    }
}
