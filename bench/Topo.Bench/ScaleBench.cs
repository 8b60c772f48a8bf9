using System.Diagnostics;
using System.Globalization;
using System.Text;
using Topo.Core.Composition;
using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Rendering;
using Topo.Core.Spec;

namespace Topo.Bench;

/// <summary>
/// topo's own CPU of a no-op plan and of one more container, in-process and without a kernel: the
/// shape of bench/scale.sh (N containers, 400 a bridge, one published port each), the host
/// imagined converged on N. Each phase: median over runs, and what it allocates. DUAL=1: every
/// network dual stack (issue #14), to hold against the IPv4-only figures of the same machine.
/// </summary>
internal static class ScaleBench
{
    public static int Run(string[] args)
    {
        var n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
        var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
        var yaml = Spec(n);
        var yamlMore = Spec(n + 1);
        var fresh = Build(Load(yaml), HostState.Empty);
        var converged = PlanSimulator.Apply(HostState.Empty, fresh);
        if (!Build(Load(yaml), converged).IsEmpty) throw new InvalidOperationException("a converged host must get an empty plan");
        var spec = Load(yaml);
        var desired = DesiredHost.Resolve(spec, converged).Topology!.Desired;
        var more = Build(Load(yamlMore), converged);
        Console.WriteLine($"scale: {n} containers with a port each, {fresh.Actions.Length} actions from scratch, +1 container: {more.Actions.Length} actions; {runs} runs each");
        if (Environment.GetEnvironmentVariable("ALLOCATIONS") is not null)
        {
            using var sampler = new AllocationSampler();
            sampler.Measure("load the file", runs, () => Load(yaml));
            sampler.Measure("resolve, converged host", runs, () => DesiredHost.Resolve(spec, converged));
            sampler.Measure("plan, converged host", runs, () => Planner.Plan("bench", desired, converged));
            return 0;
        }
        if (Environment.GetEnvironmentVariable("PLAN_ONLY") is not null)
        {
            Report("plan, converged host (and verify's re-plan)", runs, () => Planner.Plan("bench", desired, converged));
            return 0;
        }
        Report("load the file", runs, () => Load(yaml));
        Report("resolve, converged host", runs, () => DesiredHost.Resolve(spec, converged));
        Report("plan, converged host (and verify's re-plan)", runs, () => Planner.Plan("bench", desired, converged));
        Report("render the plan from scratch (text)", runs, () => TextRenderer.Render(fresh, TextWriter.Null));
        Report("load + resolve + plan: no-op", runs, () => Build(Load(yaml), converged));
        Report("load + resolve + plan: +1 container", runs, () => Build(Load(yamlMore), converged));
        return 0;
    }

    private static TopologyFile Load(string yaml)
    {
        var result = SpecLoader.Parse(yaml, "bench.yaml");
        return result.File ?? throw new InvalidOperationException(string.Join("\n", result.Diagnostics));
    }

    private static Plan Build(TopologyFile spec, HostState observed)
    {
        var outcome = PlanBuilder.Build(spec, observed);
        if (!outcome.Succeeded) throw new InvalidOperationException(string.Join("\n", outcome.Errors));
        return outcome.Plan!;
    }

    /// <summary>bench/scale.sh's file: N containers over ceil(N/400) bridges, one published port each.</summary>
    private static string Spec(int n)
    {
        var bridges = (n + 399) / 400;
        var yaml = new StringBuilder("version: 1\nname: bench\nnetworks:\n");
        var dual = Environment.GetEnvironmentVariable("DUAL") is not null; // issue #14: every network also gets an IPv6 /64
        for (var b = 0; b < bridges; b++)
        {
            if (dual) yaml.Append(CultureInfo.InvariantCulture, $"  lan{b}: {{enable_ipv6: true, subnet: [10.{100 + b}.0.0/16, \"fd00:{100 + b}::/64\"]}}\n");
            else yaml.Append(CultureInfo.InvariantCulture, $"  lan{b}: {{subnet: 10.{100 + b}.0.0/16}}\n");
        }
        yaml.Append("containers:\n");
        for (var i = 1; i <= n; i++)
        {
            var b = Math.Min((i - 1) / 400, bridges - 1);
            yaml.Append(CultureInfo.InvariantCulture, $"  c{i}: {{networks: [lan{b}], ports: [\"{10000 + i}:80\"]}}\n");
        }
        return yaml.ToString();
    }

    private static void Report(string name, int runs, Action action)
    {
        for (var i = 0; i < 3; i++) action(); // warm-up: JIT and tiering
        var times = new double[runs];
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var (gen0, gen1, gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        // CPU time as well as wall time: on a loaded machine the wall clock mostly measures the others.
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < runs; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            times[i] = sw.Elapsed.TotalMilliseconds;
        }
        var perRun = (GC.GetAllocatedBytesForCurrentThread() - allocated) / runs / 1024.0 / 1024.0;
        var cpuPerRun = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / runs;
        Array.Sort(times);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name,-46} median {times[runs / 2],7:F1} ms   min {times[0],7:F1} ms   CPU {cpuPerRun,7:F1} ms   alloc {perRun,6:F1} MiB/run   GCs/run {(GC.CollectionCount(0) - gen0) / (double)runs:F1} ({(GC.CollectionCount(1) - gen1) / (double)runs:F1} gen1, {(GC.CollectionCount(2) - gen2) / (double)runs:F1} gen2)"));
    }
}
