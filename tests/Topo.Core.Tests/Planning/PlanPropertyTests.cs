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

    /// <summary>A network as generated: whether it declares its subnet, whether it is internal.</summary>
    private sealed record NetShape(bool Subnet, bool Internal);

    /// <summary>A container as generated: its mode (0 none, 1 container:c0, else on networks) and which networks (bit i: the i-th, bit 4: bridge).</summary>
    private sealed record BoxShape(int Mode, int Networks);

    /// <summary>
    /// A random valid topology: some networks (some with a subnet, some internal), containers on
    /// random subsets. Generated as shapes, not from a seed, so a failure shrinks to the fewest
    /// networks and containers that still fail, each as plain as it can be.
    /// </summary>
    private static readonly Gen<TopologyFile> Specs =
        Gen.Select(
            Gen.Select(Gen.Bool, Gen.Int[0, 3]).Select((subnet, i) => new NetShape(subnet, i == 0)).Array[0, 4],
            Gen.Select(Gen.Int[0, 9], Gen.Int[0, 31]).Select((mode, nets) => new BoxShape(mode, nets)).Array[0, 12])
        .Select(Build);

    private static TopologyFile Build(NetShape[] networks, BoxShape[] containers)
    {
        var b = new SpecBuilder("prop");
        var names = NetworkNames.Where(n => n != "bridge").Take(networks.Length).ToList();
        for (var i = 0; i < names.Count; i++)
            b.Network(names[i], subnet: networks[i].Subnet ? $"10.{i + 1}.0.0/24" : null, @internal: networks[i].Internal);
        var usable = names.Append("bridge").ToList();
        for (var c = 0; c < containers.Length; c++)
        {
            var box = containers[c];
            if (box.Mode == 0) b.Mode($"c{c}", NetworkModeKind.None);
            else if (box.Mode == 1 && c > 0) b.Mode($"c{c}", NetworkModeKind.Container, "c0");
            else b.Container($"c{c}", usable.Where((n, i) => (box.Networks >> (n == "bridge" ? 4 : i) & 1) == 1).ToArray());
        }
        return b.Build();
    }

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
