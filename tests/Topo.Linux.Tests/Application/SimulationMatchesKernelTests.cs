using System.Text;
using CsCheck;
using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Resolution;
using Topo.Core.Spec;
using Topo.Linux.Application;
using Topo.Linux.Nftables;
using Topo.Linux.Observation;

namespace Topo.Linux.Tests.Application;

/// <summary>
/// Differential: the planner's own simulation of a plan (<see cref="PlanSimulator"/>, what
/// `topo plan --state` and every pure test rely on) is what the observer reads after the real
/// apply, for generated topologies and a move from one to another.
/// </summary>
public sealed class SimulationMatchesKernelTests
{
    private const string Project = "diff";

    /// <summary>Six pairs (two applies each) in the suite; CsCheck_Iter=N for a longer run.</summary>
    private static int Iterations =>
        int.TryParse(Environment.GetEnvironmentVariable("CsCheck_Iter"), System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 6;

    /// <summary>A topology built from structure, so a failure shrinks to few networks and containers.</summary>
    private sealed record Shape(Net[] Networks, Box[] Containers)
    {
        public string Yaml()
        {
            var y = new StringBuilder($"version: 1\nname: {Project}\nnetworks:\n");
            if (Networks.Length == 0) y.Append("  {}\n");
            for (var i = 0; i < Networks.Length; i++)
            {
                var n = Networks[i];
                y.Append($"  n{i}: {{{(n.Subnet ? $"subnet: 10.{77 + i}.0.0/24, " : "")}internal: {Lower(n.Internal)}, icc: {Lower(n.Icc)}}}\n");
            }
            y.Append(Containers.Length == 0 ? "containers: {}\n" : "containers:\n");
            for (var c = 0; c < Containers.Length; c++)
            {
                var box = Containers[c];
                var nets = box.Networks.Where(i => i < Networks.Length).Distinct().Select(i => $"n{i}").ToList();
                if (box.DefaultBridge || nets.Count == 0) nets.Add("bridge");
                // Ports need a network the host reaches into (a valid file is the point here).
                var reachable = nets.Any(n => n == "bridge" || !Networks[int.Parse(n[1..], System.Globalization.CultureInfo.InvariantCulture)].Internal);
                var ports = box.Port && reachable ? $", ports: [\"{18000 + c}:80\"]" : "";
                y.Append($"  c{c}: {{networks: [{string.Join(", ", nets)}]{ports}}}\n");
            }
            return y.ToString();
        }

        private static string Lower(bool b) => b ? "true" : "false";

        public override string ToString() => Yaml();
    }

    private sealed record Net(bool Subnet, bool Internal, bool Icc);

    private sealed record Box(int[] Networks, bool DefaultBridge, bool Port);

    private static readonly Gen<Shape> Shapes =
        Gen.Select(
            Gen.Select(Gen.Bool, Gen.Int[0, 5], Gen.Int[0, 3]).Select((s, i, c) => new Net(s, i == 0, c != 0)).Array[0, 3],
            Gen.Select(Gen.Int[0, 2].Array[1, 2], Gen.Int[0, 3], Gen.Bool).Select((n, d, p) => new Box(n, d == 0, p)).Array[0, 4])
        .Select((n, c) => new Shape(n, c));

    [Fact]
    public void The_planners_simulation_of_a_plan_is_what_the_kernel_has_after_applying_it()
    {
        Sandbox.Sandbox.SkipUnlessRoot();
        Gen.Select(Shapes, Shapes).Sample((first, second) =>
        {
            using var sandbox = Sandbox.Sandbox.Create(withOutside: true);
            var resolvConf = Path.Combine(sandbox.Root, "resolv.conf");
            File.WriteAllText(resolvConf, "nameserver 10.99.0.1\n");
            using var applier = new Applier(sandbox.Store, sandbox.Host);
            using var nft = new NftablesClient(sandbox.Thread, sandbox.Host);
            var observer = new Observer(sandbox.Store, sandbox.Host, new ObserverOptions { ResolvConf = resolvConf, SystemdResolvConf = null });
            HostState Observe(TopologyFile spec) =>
                observer.Observe(Project, [Topo.Core.Firewall.FirewallDesired.IpForwardSysctl, .. Naming.BridgeNamesOf(spec).SelectMany(BridgeSysctls.Of)])
                    with { Firewall = FirewallObserver.Observe(nft).Resources };

            HostState? simulated = null;
            foreach (var shape in new[] { first, second })
            {
                var loaded = SpecLoader.Parse(shape.Yaml(), "diff.yaml");
                Assert.False(loaded.HasErrors, shape.Yaml() + string.Join("\n", loaded.Diagnostics));
                var spec = loaded.File!;
                var before = Observe(spec);
                var plan = PlanFor(spec, before);
                // The next plan as `topo plan --state` would show it from the simulated host, and
                // as `topo plan` shows it from the real one: the same, line by line.
                if (simulated is not null)
                    Assert.True(Lines(PlanFor(spec, simulated)) == Lines(plan),
                        $"{first}=>\n{second}from the simulation:\n{Lines(PlanFor(spec, simulated))}\nfrom the kernel:\n{Lines(plan)}");
                applier.Apply(plan);
                simulated = PlanSimulator.Apply(before, plan);
                // Both converged on it: the simulation predicted what the kernel did.
                var left = PlanFor(spec, Observe(spec));
                var predicted = PlanFor(spec, simulated);
                Assert.True(left.IsEmpty && predicted.IsEmpty,
                    $"{first}=>\n{second}at:\n{shape}left on the kernel:\n{Lines(left)}\nleft in the simulation:\n{Lines(predicted)}");
            }
        }, iter: Iterations, threads: 1);
    }

    private static Plan PlanFor(TopologyFile spec, HostState host)
    {
        var outcome = Topo.Core.Planning.PlanBuilder.Build(spec, host);
        Assert.True(outcome.Succeeded, string.Join("\n", outcome.Errors));
        return outcome.Plan!;
    }

    private static string Lines(Plan plan) => string.Join("\n", plan.Actions.Select(a => $"{a.Symbol} {a.Subject.Display} {string.Join(", ", a.Changes.Select(c => $"{c.Attribute.Name()}: {c.Before} -> {c.After}"))}"));
}
