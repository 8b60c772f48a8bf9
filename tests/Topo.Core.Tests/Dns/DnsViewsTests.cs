using Topo.Core.Addressing;
using Topo.Core.Dns;
using Topo.Core.Spec;
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

    private static string Names(DnsView view) =>
        string.Join(" ", view.Names.Select(n => $"{n.Name}={string.Join(",", n.Addresses)}"));

    // The reference scenario: centos_two (internal + bridge) finds centos_three, not centos_one.
    private const string EmbeddedDns = """
        version: 1
        name: edns
        networks:
          internal: {subnet: 192.168.3.0/24}
        containers:
          centos_one: {networks: [bridge]}
          centos_two: {networks: [internal, bridge]}
          centos_three: {networks: [internal]}
        """;

    [Fact]
    public void Only_containers_on_a_dns_network_get_a_resolver_and_see_only_that_networks_names()
    {
        var views = Views(EmbeddedDns);
        Assert.Equal(["centos_three", "centos_two"], views.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(
            "centos_three=192.168.3.3 centos_three.internal=192.168.3.3 centos_two=192.168.3.2 centos_two.internal=192.168.3.2",
            Names(views["centos_two"]));
        Assert.DoesNotContain(views["centos_two"].Names, n => n.Name.StartsWith("centos_one", StringComparison.Ordinal));
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
        var ptr = Assert.Single(views["web"].Pointers, p => p.Address == Ipv4Address.Parse("10.20.0.10"));
        Assert.Equal(["db", "mariadb", "sql", "db.back"], ptr.Names);
        Assert.Equal(42u, ptr.Ttl);
        Assert.All(views["web"].Names, n => Assert.Equal(42u, n.Ttl));
        Assert.Contains(views["web"].Names, n => n.Name == "mariadb.back");
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
        var web = Assert.Single(views["c"].Names, n => n.Name == "web");
        Assert.Equal(["10.30.0.2", "10.30.0.3"], web.Addresses.Select(a => a.ToString()));
        Assert.Equal(DnsViews.DefaultTtl, web.Ttl);
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
        Assert.Contains(app.Names, n => n.Name == "web");
        Assert.Contains(app.Names, n => n.Name == "db");
        // 'both' is on back and front: app lists back first, so it gets both's address on back.
        Assert.Equal("10.41.0.4", Assert.Single(Assert.Single(app.Names, n => n.Name == "both").Addresses).ToString());
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
    public void Equal_topologies_give_equal_views() =>
        Assert.Equal(Views(EmbeddedDns)["centos_two"], Views(EmbeddedDns)["centos_two"]);
}
