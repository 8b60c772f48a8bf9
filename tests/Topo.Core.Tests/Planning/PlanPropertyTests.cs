using CsCheck;
using Topo.Core.Model;
using Topo.Core.Spec;
using Topo.Core.Planning;
using Topo.Core.Tests.Support;

namespace Topo.Core.Tests.Planning;

/// <summary>Properties over generated valid topologies.</summary>
public sealed class PlanPropertyTests
{
    private static readonly string[] NetworkNames = ["front", "back", "db", "mgmt", "bridge"];

    /// <summary>A random valid topology: some networks (some with a subnet, some internal), containers on random subsets.</summary>
    private static readonly Gen<TopologyFile> Specs =
        Gen.Select(Gen.Int[1, 4], Gen.Int[0, 12], Gen.Int[0, 1000]).Select((networks, containers, seed) =>
        {
            var random = new Random(seed);
            var b = new SpecBuilder("prop");
            var names = NetworkNames.Take(networks).Where(n => n != "bridge").ToList();
            for (var i = 0; i < names.Count; i++)
                b.Network(names[i], subnet: random.Next(2) == 0 ? $"10.{i + 1}.0.0/24" : null, @internal: random.Next(4) == 0);
            var usable = names.Append("bridge").ToList();
            for (var c = 0; c < containers; c++)
            {
                var mode = random.Next(10);
                if (mode == 0) b.Mode($"c{c}", NetworkModeKind.None);
                else if (mode == 1 && c > 0) b.Mode($"c{c}", NetworkModeKind.Container, "c0");
                else b.Container($"c{c}", usable.Where(_ => random.Next(2) == 0).ToArray());
            }
            return b.Build();
        });

    [Fact]
    public void Planning_against_the_result_of_applying_a_plan_yields_an_empty_plan() =>
        Gen.Select(Specs, Specs).Sample((first, second) =>
        {
            var host = Pipeline.Converge(first);
            Assert.True(Pipeline.Plan(first, host).IsEmpty);
            // Moving from one topology to another converges too.
            host = Pipeline.Converge(second, host);
            var again = Pipeline.Plan(second, host);
            Assert.True(again.IsEmpty, $"{Describe(first)}\n=>\n{Describe(second)}\nleft:\n{Pipeline.Lines(again)}");
        }, iter: 300);

    [Fact]
    public void Addresses_stay_put_when_other_containers_come_and_go() =>
        Gen.Select(Specs, Gen.Int[0, 11]).Sample((spec, drop) =>
        {
            var host = Pipeline.Converge(spec);
            var before = Addresses(host);
            if (spec.Containers.Length == 0) return;
            var gone = spec.Containers[drop % spec.Containers.Length].Name;
            if (spec.Containers.Any(c => c.ModeTarget == gone)) return;
            var smaller = spec with { Containers = spec.Containers.RemoveAll(c => c.Name == gone) };
            var after = Addresses(Pipeline.Converge(smaller, host));
            foreach (var (key, address) in after)
                Assert.True(before.TryGetValue(key, out var was) && was == address,
                    $"{key}: {before.GetValueOrDefault(key)} -> {address} after dropping {gone}\n{Describe(spec)}");
            // And a newcomer takes a free address without renumbering anyone.
            var bigger = smaller with { Containers = smaller.Containers.Add(new SpecBuilder().Container("newcomer").Build().Containers[0]) };
            var withNewcomer = Addresses(Pipeline.Converge(bigger, PlanSimulator.Apply(host, Pipeline.Plan(smaller, host))));
            foreach (var (key, address) in after) Assert.Equal(address, withNewcomer[key]);
        }, iter: 300);

    private static string Describe(TopologyFile spec) =>
        string.Join("; ", spec.Networks.Select(n => $"net {n.Name} {n.Subnet} internal={n.Internal}")
            .Concat(spec.Containers.Select(c => $"{c.Name} {c.Mode} {c.ModeTarget} [{string.Join(",", c.Networks.Select(a => a.Network))}]")));

    private static Dictionary<string, string> Addresses(HostState host) =>
        host.Addresses.Where(a => a.Namespace != HostState.Host).ToDictionary(a => a.LinkRef.ToString(), a => a.Address.ToString());
}
