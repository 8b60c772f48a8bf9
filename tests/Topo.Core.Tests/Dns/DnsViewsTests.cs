using System.Collections.Immutable;
using Topo.Core.Addressing;
using Topo.Core.Dns;
using Topo.Core.Spec;
using Topo.Core.Tests.Spec;
using Topo.Core.Tests.Support;

namespace Topo.Core.Tests.Dns;

public sealed class DnsViewsTests
{
    private static IReadOnlyDictionary<string, DnsView> Views(string yaml)
    {
        var load = SpecLoader.Parse(yaml, "t.yaml");
        Assert.False(load.HasErrors, string.Join("\n", load.Diagnostics));
        return DnsViews.Build(Pipeline.Resolve(load.File!)).ToDictionary(v => v.Namespace);
    }

    private static string Names(DnsView view) => string.Join(" ",
        view.Zones.SelectMany(z => z.Names).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={string.Join(",", kv.Value)}"));

    private static ImmutableArray<Ipv4Address> Resolve(DnsView view, string name, out uint ttl)
    {
        Assert.True(view.TryResolve(name, out var addresses, out ttl), $"{name} does not resolve");
        return addresses;
    }

    // The reference scenario: centos_two (internal + bridge) finds centos_three, not centos_one.
    private static string EmbeddedDns => File.ReadAllText(Path.Combine(RepoPaths.Examples, "embedded-dns.yaml"));

    [Fact]
    public void Only_containers_on_a_dns_network_get_a_resolver_and_see_only_that_networks_names()
    {
        var views = Views(EmbeddedDns);
        Assert.Equal(["centos_three", "centos_two"], views.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(
            "centos_three=192.168.3.3 centos_three.internal=192.168.3.3 centos_two=192.168.3.2 centos_two.internal=192.168.3.2",
            Names(views["centos_two"]));
        Assert.False(views["centos_two"].TryResolve("centos_one", out _, out _));
        Assert.Equal("192.168.3.3", Resolve(views["centos_two"], "CENTOS_Three", out _).Single().ToString());
    }

    [Fact]
    public void Pointers_name_the_container_then_its_aliases_then_name_dot_network()
    {
        var views = Views("""
            version: 1
            name: p
            networks:
              back: {subnet: 10.20.0.0/24, dns: {ttl: 42}}
            containers:
              db: {networks: {back: {ipv4: 10.20.0.10, aliases: [mariadb, sql]}}}
              web: {networks: [back]}
            """);
        Assert.True(views["web"].TryReverse(Ipv4Address.Parse("10.20.0.10"), out var names, out var ttl));
        Assert.Equal(["db", "mariadb", "sql", "db.back"], names);
        Assert.Equal(42u, ttl);
        Resolve(views["web"], "mariadb.back", out var forward);
        Assert.Equal(42u, forward);
        Assert.True(views["web"].Owns(Ipv4Address.Parse("10.20.0.200")));
        Assert.False(views["web"].TryReverse(Ipv4Address.Parse("10.20.0.200"), out _, out _));
    }

    [Fact]
    public void A_shared_alias_answers_with_every_holder_and_the_default_ttl()
    {
        var views = Views("""
            version: 1
            name: rr
            networks:
              front: {subnet: 10.30.0.0/24}
            containers:
              a: {networks: {front: {aliases: [web]}}}
              b: {networks: {front: {aliases: [web]}}}
              c: {networks: [front]}
            """);
        var web = Resolve(views["c"], "web", out var ttl);
        Assert.Equal(["10.30.0.2", "10.30.0.3"], web.Select(a => a.ToString()));
        Assert.Equal(Topo.Core.Resolution.ResolvedNetwork.DefaultDnsTtl, ttl);
        // One zone for the network, shared by all three views.
        Assert.Same(views["a"].Zones[0], views["c"].Zones[0]);
    }

    [Fact]
    public void A_container_on_two_networks_resolves_names_of_both_and_a_name_on_both_answers_from_its_first_network()
    {
        var views = Views("""
            version: 1
            name: two
            networks:
              front: {subnet: 10.40.0.0/24}
              back: {subnet: 10.41.0.0/24}
            containers:
              app: {networks: [back, front]}
              web: {networks: [front]}
              db: {networks: [back]}
              both: {networks: [front, back]}
            """);
        var app = views["app"];
        Resolve(app, "web", out _);
        Resolve(app, "db", out _);
        // 'both' is on back and front: app lists back first, so it gets both's address on back.
        Assert.Equal("10.41.0.4", Assert.Single(Resolve(app, "both", out _)).ToString());
        Assert.Equal("10.40.0.4", Assert.Single(Resolve(views["web"], "both", out _)).ToString());
        Assert.Equal(["10.40.0.0/24", "10.41.0.0/24"], app.OwnSubnets.Select(s => s.ToString()));
    }

    [Fact]
    public void Networks_with_dns_off_and_container_modes_get_no_resolver()
    {
        var views = Views("""
            version: 1
            name: off
            networks:
              quiet: {subnet: 10.50.0.0/24, dns: false}
              loud: {subnet: 10.51.0.0/24}
            containers:
              a: {networks: [quiet]}
              b: {networks: [loud]}
              c: {network_mode: "container:b"}
              d: {network_mode: host}
              e: {network_mode: none}
            """);
        Assert.Equal(["b"], views.Keys);
    }

    [Fact]
    public void Equal_topologies_give_equal_views_and_an_unchanged_zone_is_reused_as_the_same_instance()
    {
        Assert.Equal(Views(EmbeddedDns)["centos_two"], Views(EmbeddedDns)["centos_two"]);
        var load = SpecLoader.Parse(EmbeddedDns, "t.yaml");
        var first = DnsViews.Build(Pipeline.Resolve(load.File!));
        var second = DnsViews.Build(Pipeline.Resolve(load.File!), first);
        Assert.Same(first[0].Zones[0], second[0].Zones[0]);
        var grown = SpecLoader.Parse(EmbeddedDns + "\n  centos_four: {networks: [internal]}\n", "t.yaml");
        var third = DnsViews.Build(Pipeline.Resolve(grown.File!), second);
        Assert.NotEqual(second[0], third[0]);
        Assert.True(third[0].TryResolve("centos_four", out _, out _));
    }
}
