using System.Diagnostics;
using System.Globalization;
using Topo.Core.Addressing;
using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Linux.Application;
using Topo.Linux.Namespaces;
using Topo.Linux.Observation;

namespace Topo.Bench;

/// <summary>
/// `Topo.Bench apply-ipv6 [N] [rounds]`, as root: applies N containers on one bridge from a
/// hand-built desired state, IPv4 only and then dual stack (IPv6 address and default route per
/// container, IPv6 gateway on the bridge), each in a throwaway namespace playing the host and a
/// private namespace directory, alternating, and prints apply and no-op observe+plan times.
/// Nothing outside the throwaway namespaces changes; everything is deleted after each round.
/// </summary>
internal static class Ipv6ApplyBench
{
    private const string Project = "bench6";
    private const string Bridge = "br-bench6";

    public static int Run(string[] args)
    {
        var containers = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
        var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2;
        Console.WriteLine($"apply {containers} containers on one bridge from a hand-built desired state, {rounds} rounds alternating");
        var results = new Dictionary<bool, List<(double Apply, double Noop, long Writes)>> { [false] = [], [true] = [] };
        for (var round = 0; round < rounds; round++)
        {
            foreach (var dual in new[] { false, true }) results[dual].Add(Once(Desired(containers, dual)));
        }
        foreach (var (dual, runs) in results)
        {
            var apply = runs.Select(r => r.Apply).Order().ToList();
            var noop = runs.Select(r => r.Noop).Order().ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {(dual ? "IPv4 + IPv6" : "IPv4 only"),-12} apply min {apply[0],6:F0} ms  median {apply[apply.Count / 2],6:F0} ms  max {apply[^1],6:F0} ms   no-op observe+plan median {noop[noop.Count / 2],5:F0} ms   {runs[0].Writes} netlink writes"));
        }
        static double Median(List<(double Apply, double Noop, long Writes)> runs) => runs.Select(r => r.Apply).Order().ElementAt(runs.Count / 2);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  dual stack / IPv4 only (median apply): {Median(results[true]) / Median(results[false]):F2}"));
        return 0;
    }

    private static (double Apply, double Noop, long Writes) Once(HostState desired)
    {
        var root = Directory.CreateTempSubdirectory("topo-bench6-").FullName;
        using var thread = new NamespaceThread("topo-bench6");
        using var host = thread.CreateNamespace();
        var store = new NamespaceStore(
            new NamespaceStoreOptions { NetnsDirectory = Path.Combine(root, "netns"), EtcDirectory = Path.Combine(root, "etc") }, thread);
        try
        {
            using var applier = new Applier(store, host, new ApplierOptions { LockPath = Path.Combine(root, "topo.lock") });
            using var observer = new Observer(store, host);
            var plan = Planner.Plan(Project, desired, observer.Observe(Project)).Plan!;
            var clock = Stopwatch.StartNew();
            var report = applier.Apply(plan);
            var apply = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            var again = Planner.Plan(Project, desired, observer.Observe(Project)).Plan!;
            var noop = clock.Elapsed.TotalMilliseconds;
            if (!again.IsEmpty) throw new InvalidOperationException($"not converged: {again.Actions.Length} actions left, first {again.Actions[0].Subject.Display}");
            return (apply, noop, report.WriteRequests);
        }
        finally
        {
            foreach (var name in store.List()) store.Delete(name);
            Process.Start("umount", Path.Combine(root, "netns"))?.WaitForExit();
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>A bridge with its gateway(s) and N containers: namespace, lo, veth pair, address(es), default route(s).</summary>
    private static HostState Desired(int containers, bool dual)
    {
        var network = new Label(Project, LabelRole.Network, "net");
        var links = new List<LinkState> { new("", Bridge, LinkKind.Bridge) { Owner = network, Up = true } };
        var addresses = new List<AddressState> { new("", Bridge, Ipv4Prefix.Parse("10.60.0.1/16")) { Owner = network } };
        var routes = new List<RouteState>();
        var namespaces = new List<NamespaceState>();
        if (dual) addresses.Add(new AddressState("", Bridge, Ipv6Prefix.Parse("fd00:60::1/64")) { Owner = network });
        for (var i = 0; i < containers; i++)
        {
            var name = $"c{i}";
            var host = i + 2;
            var owner = new Label(Project, LabelRole.Container, name);
            var endpoint = Label.Endpoint(Project, name, "net");
            namespaces.Add(new NamespaceState(name) { Owner = owner });
            links.Add(new LinkState(name, "lo", LinkKind.Loopback) { Owner = owner, Up = true });
            links.Add(new LinkState("", $"veth-b6-{i}", LinkKind.Veth) { Owner = endpoint, Up = true, Master = Bridge, Peer = new LinkRef(name, "eth0") });
            links.Add(new LinkState(name, "eth0", LinkKind.Veth)
            {
                Owner = endpoint, Up = true, Peer = new LinkRef("", $"veth-b6-{i}"),
                Mac = MacAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"02:42:0a:3c:{host >> 8:x2}:{host & 0xff:x2}")),
            });
            addresses.Add(new AddressState(name, "eth0", new Ipv4Prefix(Ipv4Address.Parse("10.60.0.0").Add((uint)host), 16)) { Owner = endpoint });
            routes.Add(new RouteState(name, Ipv4Prefix.Parse("0.0.0.0/0")) { Gateway = Ipv4Address.Parse("10.60.0.1"), Device = "eth0", Owner = owner });
            if (!dual) continue;
            addresses.Add(new AddressState(name, "eth0", new Ipv6Prefix(Ipv6Address.Parse("fd00:60::").Add((UInt128)host), 64)) { Owner = endpoint });
            routes.Add(new RouteState(name, Ipv6Prefix.Parse("::/0")) { Gateway = Ipv6Address.Parse("fd00:60::1"), Device = "eth0", Owner = owner });
        }
        return HostState.Empty with { Namespaces = [.. namespaces], Links = [.. links], Addresses = [.. addresses], Routes = [.. routes] };
    }
}
