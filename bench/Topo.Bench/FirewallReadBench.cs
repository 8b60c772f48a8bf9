using System.Diagnostics;
using System.Globalization;
using System.Text;
using Topo.Core.Composition;
using Topo.Core.Firewall;
using Topo.Core.Model;
using Topo.Core.Spec;
using Topo.Linux.Namespaces;
using Topo.Linux.Nftables;

namespace Topo.Bench;

/// <summary>
/// `Topo.Bench firewall-read [N] [rounds]`, as root: the firewall leg of verifying one more
/// container, alone. The table of N containers with one published port each (bench/scale.sh's
/// shape) is written in a throwaway namespace; then, alternating, round by round: (a) the table
/// listed whole through libnftables, as verification read it before (a client of its own, no
/// cache); (b) one more container's elements added by our own batch and the table read again by
/// the same client, which reads only the sets the batch changed (our NFT_MSG_GETSETELEM dumps);
/// (c) every set of the table dumped by our codec (what reading all elements ourselves would cost).
/// </summary>
internal static class FirewallReadBench
{
    public static int Run(string[] args)
    {
        var n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
        var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 7;
        // One container more on the same bridges, as bench/scale.sh adds it.
        var bridges = (n + 399) / 400;
        var table = RulesetBuilder.Build(Resolve(n, bridges));
        var more = RulesetBuilder.Build(Resolve(n + 1, bridges));
        var add = more.Elements.Except(table.Elements).ToList();
        var delete = table.Elements.Except(more.Elements).ToList();
        Console.WriteLine($"firewall read: {n} containers, {table.Elements.Length} elements; one more container changes {add.Count + delete.Count} elements in {add.Concat(delete).Select(e => e.Set).Distinct().Count()} sets; {rounds} rounds alternating");

        using var thread = new NamespaceThread("topo-bench-nft");
        using var host = thread.CreateNamespace();
        using var nft = new NftablesClient(thread, host);
        nft.Replace(table);
        var (whole, changed, all) = (new List<double>(), new List<double>(), new List<double>());
        for (var round = 0; round < rounds; round++)
        {
            using (var fresh = new NftablesClient(thread, host))
                whole.Add(Time(() => fresh.ListTable("inet", table.Table)));

            nft.ListTable("inet", table.Table);
            nft.ApplyElements("inet", table.Table, delete, add, "bench: one more container");
            changed.Add(Time(() =>
            {
                if (!nft.ListTable("inet", table.Table)!.SameTable(more)) throw new InvalidOperationException("the reading after our batch is not the table");
            }));
            nft.ApplyElements("inet", table.Table, add, delete, "bench: back");

            all.Add(Time(() => thread.Run(host, () => table.Sets.Sum(s => SetElementDump.ListHere("inet", table.Table, s).Count))));
        }
        Print("(a) whole table through libnftables (JSON)", whole);
        Print("(b) after our batch: the changed sets only", changed);
        Print("(c) every set through our codec", all);
        return 0;
    }

    private static Topo.Core.Resolution.Topology Resolve(int n, int bridges)
    {
        var yaml = new StringBuilder("version: 1\nname: bench\nnetworks:\n");
        for (var b = 0; b < bridges; b++) yaml.Append(CultureInfo.InvariantCulture, $"  lan{b}: {{subnet: 10.{100 + b}.0.0/16}}\n");
        yaml.Append("containers:\n");
        for (var i = 1; i <= n; i++)
            yaml.Append(CultureInfo.InvariantCulture, $"  c{i}: {{networks: [lan{Math.Min((i - 1) / 400, bridges - 1)}], ports: [\"{10000 + i}:80\"]}}\n");
        var loaded = SpecLoader.Parse(yaml.ToString(), "bench.yaml");
        var result = DesiredHost.Resolve(loaded.File ?? throw new InvalidOperationException(string.Join("\n", loaded.Diagnostics)), HostState.Empty);
        return result.Topology ?? throw new InvalidOperationException(string.Join("\n", result.Errors));
    }

    private static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalMilliseconds;
    }

    private static void Print(string what, List<double> times)
    {
        times.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {what,-45} min {times[0],7:F1} ms  median {times[times.Count / 2],7:F1} ms  max {times[^1],7:F1} ms"));
    }
}
