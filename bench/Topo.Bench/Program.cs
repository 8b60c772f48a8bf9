using System.Diagnostics;
using System.Globalization;
using Topo.Bench;
using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Spec;

if (args is ["dns-serve", .. var rest]) return DnsServe.Run(rest);
if (args is ["apply-ipv6", .. var sixArgs]) return Ipv6ApplyBench.Run(sixArgs);
if (args is ["scale", .. var scaleArgs]) return ScaleBench.Run(scaleArgs);
if (args is ["firewall-read", .. var readArgs]) return FirewallReadBench.Run(readArgs);

if (args is ["firewall", var listing, var tableName])
{
    // Reading a table back: `nft -j list table` output (e.g. of `topo apply` of 2,000 containers
    // publishing a port each) parsed into plan resources.
    var json = File.ReadAllText(listing);
    Console.WriteLine($"firewall listing {listing}: {json.Length / 1024} KiB");
    Report("parse listing into resources", () => Topo.Core.Firewall.FirewallResources.From(
        Topo.Core.Firewall.NftJson.Parse(json, "ip", tableName)!).Count());
    return 0;
}

// Load + resolve + plan, in-process, for a large file: against an empty host and against a host
// already converged on the file (the no-op plan). Prints median and p95 over many runs.
var containers = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 500;
var networks = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
const int Runs = 50;
var yaml = SpecGenerator.Generate(containers, networks);

TopologyFile Load()
{
    var result = SpecLoader.Parse(yaml, "bench.yaml");
    if (result.File is null) throw new InvalidOperationException(string.Join("\n", result.Diagnostics));
    return result.File;
}

Plan PlanAgainst(HostState observed)
{
    var outcome = PlanBuilder.Build(Load(), observed);
    if (!outcome.Succeeded) throw new InvalidOperationException(string.Join("\n", outcome.Errors));
    return outcome.Plan!;
}

var fresh = PlanAgainst(HostState.Empty);
var converged = PlanSimulator.Apply(HostState.Empty, fresh);
if (!PlanAgainst(converged).IsEmpty) throw new InvalidOperationException("a converged host must get an empty plan");

Console.WriteLine($"topo plan pipeline: {containers} containers, {networks} networks, {fresh.Actions.Length} actions from scratch, {Runs} runs each");
Report("load only", () => Load());
var loaded = Load();
Report("resolve only, empty host", () => Topo.Core.Composition.DesiredHost.Resolve(loaded, HostState.Empty));
Report("resolve only, converged host", () => Topo.Core.Composition.DesiredHost.Resolve(loaded, converged));
var desired = Topo.Core.Composition.DesiredHost.Resolve(loaded, HostState.Empty).Topology!.Desired;
Report("plan only, empty host", () => Planner.Plan("bench", desired, HostState.Empty));
Report("plan only, converged host", () => Planner.Plan("bench", desired, converged));
Report("render text, empty host", () => Topo.Core.Rendering.TextRenderer.Render(fresh));
Report("load + resolve + plan, empty host", () => PlanAgainst(HostState.Empty));
Report("load + resolve + plan, converged host", () => PlanAgainst(converged));
return 0;

static void Report(string name, Action action)
{
    for (var i = 0; i < 5; i++) action(); // warm-up: JIT and tiering
    var times = new double[Runs];
    var allocated = GC.GetAllocatedBytesForCurrentThread();
    for (var i = 0; i < Runs; i++)
    {
        var sw = Stopwatch.StartNew();
        action();
        times[i] = sw.Elapsed.TotalMilliseconds;
    }
    var perRun = (GC.GetAllocatedBytesForCurrentThread() - allocated) / Runs / 1024.0 / 1024.0;
    Array.Sort(times);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  {name,-40} median {times[Runs / 2],7:F2} ms   p95 {times[Runs * 95 / 100],7:F2} ms   alloc {perRun,6:F1} MiB/run"));
}
