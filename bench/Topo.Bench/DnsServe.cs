using System.Collections.Immutable;
using System.Globalization;
using Topo.Core.Addressing;
using Topo.Core.Dns;
using Topo.Linux.Dns;
using Topo.Linux.Namespaces;

namespace Topo.Bench;

/// <summary>
/// `Topo.Bench dns-serve NAMESPACE COUNT [RESOLV_CONF]`: the embedded resolver serving COUNT names
/// (c1 … cCOUNT → 10.200.x.y, as bench/dns-vs-dnsmasq.sh writes them for dnsmasq) in the named
/// namespace NAMESPACE (under /run/netns or TOPO_NETNS_DIR), until stdin closes. Prints "ready"
/// once it answers, and its statistics at the end.
/// </summary>
internal static class DnsServe
{
    public static int Run(string[] args)
    {
        var ns = args[0];
        var count = int.Parse(args[1], CultureInfo.InvariantCulture);
        var resolvConf = args.Length > 2 ? args[2] : "/etc/resolv.conf";
        using var thread = new NamespaceThread();
        var options = new NamespaceStoreOptions();
        if (Environment.GetEnvironmentVariable("TOPO_NETNS_DIR") is { Length: > 0 } dir) options = options with { NetnsDirectory = dir };
        var store = new NamespaceStore(options, thread);
        using var dns = new EmbeddedDns(store, new EmbeddedDnsOptions { ResolvConfPath = resolvConf });
        var names = Enumerable.Range(1, count).Select(i =>
            KeyValuePair.Create($"c{i}", ImmutableArray.Create(Address(i))));
        var pointers = Enumerable.Range(1, count).Select(i => (Address(i), ImmutableArray.Create($"c{i}")));
        var zone = new DnsZone("bench", Topo.Core.Resolution.ResolvedNetwork.DefaultDnsTtl, names, pointers);
        var result = dns.Update([new DnsView(ns, [zone], [Ipv4Prefix.Parse("10.200.0.0/16")])]);
        if (!result.Succeeded)
        {
            Console.Error.WriteLine(string.Join("; ", result.Failed));
            return 1;
        }
        Console.WriteLine("ready");
        Console.Out.Flush();
        while (Console.In.Read() >= 0) { }
        Console.Error.WriteLine($"engine statistics: {dns.Statistics}");
        Console.Error.WriteLine($"engine process: {GC.GetTotalAllocatedBytes() / 1024} KiB allocated, GCs gen0 {GC.CollectionCount(0)} gen1 {GC.CollectionCount(1)} gen2 {GC.CollectionCount(2)}, {Environment.ProcessorCount} cores");
        return 0;
    }

    /// <summary>c1 is 10.200.0.1; the same formula as the script's hosts file.</summary>
    public static Ipv4Address Address(int i) => Ipv4Address.Parse($"10.200.{i / 250}.{i % 250 + 1}");
}
