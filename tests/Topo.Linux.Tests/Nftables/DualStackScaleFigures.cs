using System.Diagnostics;
using System.Globalization;
using System.Text;
using Topo.Core.Addressing;
using Topo.Core.Firewall;
using Topo.Core.Resolution;
using Topo.Linux.Nftables;
using SandboxWorld = Topo.Linux.Tests.Sandbox.Sandbox;

namespace Topo.Linux.Tests.Nftables;

/// <summary>
/// The firewall of 500 containers, IPv4 only and dual stack, in one run: rules, elements, the time
/// to write the table whole and to list it back. Figures only when TOPO_FIGURES names a file to
/// append them to (`TOPO_FIGURES=/tmp/figures.txt scripts/test --filter DualStackScaleFigures`);
/// in the suite it runs at 50 containers and checks what the kernel lists back.
/// </summary>
public sealed class DualStackScaleFigures
{
    [Fact]
    public void The_table_of_many_dual_stack_containers_is_written_and_read_back()
    {
        SandboxWorld.SkipUnlessRoot();
        var output = Environment.GetEnvironmentVariable("TOPO_FIGURES");
        var count = output is null ? 50 : 500;
        var yaml = new StringBuilder("version: 1\nname: scale\nnetworks:\n  a: {subnet: 10.60.0.0/16}\n  b: {subnet: 10.61.0.0/16, icc: false}\ncontainers:\n");
        for (var i = 0; i < count; i++)
            yaml.Append(CultureInfo.InvariantCulture, $"  c{i}: {{networks: [{(i % 2 == 0 ? "a" : "b")}], ports: [\"{20000 + i}:80\"]}}\n");
        var v4 = NftablesClientTests.Resolve(yaml.ToString());
        var dual = Dual(v4);
        var lines = new List<string>();
        // Figures: each twice, alternating, the first round only warming up (JIT, libnftables' caches).
        var rounds = output is null ? 1 : 2;
        foreach (var (round, name, topology) in Enumerable.Range(0, rounds).SelectMany(r => new[] { (r, "IPv4 only", v4), (r, "dual stack", dual) }))
        {
            using var sandbox = SandboxWorld.Create();
            using var nft = new NftablesClient(sandbox.Thread, sandbox.Host);
            var build = Stopwatch.StartNew();
            var ruleset = RulesetBuilder.Build(topology);
            build.Stop();
            var write = Stopwatch.StartNew();
            nft.Replace(ruleset);
            write.Stop();
            var read = Stopwatch.StartNew();
            var listed = nft.ReadTable(RulesetBuilder.Family, ruleset.Table)!;
            read.Stop();
            Assert.True(listed.SameTable(ruleset), $"{name}: the kernel lists back another table");
            if (round == rounds - 1) lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{count} containers, {name}: {ruleset.Rules.Length} rules, {ruleset.Elements.Length} elements; build {build.ElapsedMilliseconds} ms, write {write.ElapsedMilliseconds} ms, list back {read.ElapsedMilliseconds} ms"));
        }
        Assert.Equal(RulesetBuilder.Build(v4).Rules, RulesetBuilder.Build(dual).Rules);
        if (output is not null) File.AppendAllLines(output, lines);
    }

    /// <summary>Every network and endpoint given IPv6 by hand (fd00:60::/64, fd00:61::/64), as the resolver will.</summary>
    private static Topology Dual(Topology topology)
    {
        var subnets = topology.Networks.Select((n, i) => (n.Name, Subnet: Ipv6Prefix.Parse($"fd00:{60 + i}::/64"))).ToDictionary(x => x.Name, x => x.Subnet);
        var next = subnets.ToDictionary(kv => kv.Key, _ => (UInt128)2);
        return topology with
        {
            Networks = [.. topology.Networks.Select(n => n with { Ipv6Subnet = subnets[n.Name], Ipv6Gateway = subnets[n.Name].Address.Add(1) })],
            Containers = [.. topology.Containers.Select(c => c with
            {
                Endpoints = [.. c.Endpoints.Select(e => e with { Ipv6Address = subnets[e.Network].Address.Add(next[e.Network]++) })],
            })],
        };
    }
}
