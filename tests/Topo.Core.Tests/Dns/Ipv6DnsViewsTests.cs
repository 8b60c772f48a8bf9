using Topo.Core.Dns;
using Topo.Core.Spec;
using Topo.Core.Tests.Support;

namespace Topo.Core.Tests.Dns;

/// <summary>IPv6 in DNS views and hosts files: what AAAA and ip6.arpa PTR queries and /etc/hosts give.</summary>
public sealed class Ipv6DnsViewsTests
{
    private const string Yaml = """
        version: 1
        name: p
        networks:
          v6net:
            enable_ipv6: true
            subnet: [10.30.0.0/24, "fd00:1::/64"]
          v4net: {subnet: 10.40.0.0/24}
        containers:
          web: {networks: {v6net: {aliases: [www]}}}
          v4: {networks: [v4net]}
        """;

    private static (Topo.Core.Resolution.Topology Topology, IReadOnlyDictionary<string, DnsView> Views) Build()
    {
        var load = SpecLoader.Parse(Yaml, "t.yaml");
        Assert.False(load.HasErrors, string.Join("\n", load.Diagnostics));
        var topology = Pipeline.Resolve(load.File!);
        return (topology, DnsViews.Build(topology).ToDictionary(v => v.Namespace));
    }

    [Fact]
    public void A_container_with_an_ipv6_address_resolves_to_it_and_back_and_an_ipv4_only_one_has_no_ipv6()
    {
        var (_, views) = Build();
        Assert.True(views["web"].TryResolveIpv6("www.v6net", out var six));
        Assert.Equal(["fd00:1::2"], six.Select(a => a.ToString()));
        Assert.True(views["web"].TryReverse(Topo.Core.Addressing.Ipv6Address.Parse("fd00:1::2"), out var names));
        Assert.Equal(["web", "www", "web.v6net"], names);
        Assert.Equal(["fd00:1::/64"], views["web"].OwnIpv6Subnets.Select(s => s.ToString()));
        // The name exists, without IPv6: NODATA for AAAA.
        Assert.True(views["v4"].TryResolveIpv6("v4", out var none));
        Assert.Empty(none);
    }

    [Fact]
    public void Hosts_files_list_ipv6_addresses_after_the_ipv4_ones()
    {
        var (topology, views) = Build();
        var web = new ContainerHosts().For(topology.Containers.Single(c => c.Name == "web"), views["web"]);
        var lines = web[ContainerHosts.Localhost.Length..].TrimEnd('\n').Split('\n');
        Assert.Equal(["10.30.0.2\tweb www web.v6net", "fd00:1::2\tweb www web.v6net"], lines);
        var v4 = new ContainerHosts().For(topology.Containers.Single(c => c.Name == "v4"), views["v4"]);
        Assert.DoesNotContain("fd00", v4[ContainerHosts.Localhost.Length..]);
    }
}
