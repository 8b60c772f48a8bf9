using Topo.Core.Dns;
using Topo.Core.Model;
using Topo.Core.Spec;
using Topo.Core.Tests.Support;

namespace Topo.Core.Tests.Dns;

/// <summary>The resolv.conf and hosts the resolver wants in each namespace's /etc/netns directory.</summary>
public sealed class NamespaceFilesTests
{
    private static Dictionary<string, NamespaceFileState> Files(string yaml, ResolvConf? host = null)
    {
        var load = SpecLoader.Parse(yaml, "t.yaml");
        Assert.False(load.HasErrors, string.Join("\n", load.Diagnostics));
        var observed = HostState.Empty with { HostResolvConf = host ?? ResolvConf.Empty };
        return Pipeline.Resolve(load.File!, observed).Desired.Files.ToDictionary(f => f.Key);
    }

    private const string Localhost = ContainerHosts.Localhost;

    // The reference scenario: centos_one only on the default bridge, centos_two on internal and
    // the bridge, centos_three on internal.
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

    private static readonly ResolvConf LanHost = ResolvConf.Parse("""
        # written by NetworkManager
        nameserver 127.0.0.53
        nameserver 192.168.1.1
        nameserver ::1
        nameserver 2001:db8::53
        nameserver 10.0.0.53
        search lan example.com
        options edns0 trust-ad
        """);

    [Fact]
    public void A_container_on_a_dns_network_asks_the_embedded_server_with_the_hosts_search_domains_and_options()
    {
        var files = Files(EmbeddedDns, LanHost);
        var expected = "nameserver 127.0.0.11\nsearch lan example.com\noptions edns0 trust-ad ndots:0\n";
        Assert.Equal(expected, files["centos_two/resolv.conf"].Content);
        Assert.Equal(expected, files["centos_three/resolv.conf"].Content);
    }

    [Fact]
    public void A_container_only_on_the_default_bridge_asks_the_hosts_servers_without_loopback_or_ipv6_ones()
    {
        var files = Files(EmbeddedDns, LanHost);
        Assert.Equal(
            "nameserver 192.168.1.1\nnameserver 10.0.0.53\nsearch lan example.com\noptions edns0 trust-ad\n",
            files["centos_one/resolv.conf"].Content);
    }

    [Fact]
    public void A_host_with_only_loopback_servers_gives_dockers_fallback_servers()
    {
        var files = Files(EmbeddedDns, ResolvConf.Parse("nameserver 127.0.0.53\nnameserver ::1\noptions edns0\n"));
        Assert.Equal("nameserver 8.8.8.8\nnameserver 8.8.4.4\noptions edns0\n", files["centos_one/resolv.conf"].Content);
        // Unknown (a snapshot without the host's resolver, or --against): the same as a host with none.
        Assert.Equal("nameserver 8.8.8.8\nnameserver 8.8.4.4\n", Files(EmbeddedDns)["centos_one/resolv.conf"].Content);
        Assert.Equal("nameserver 127.0.0.11\noptions ndots:0\n", Files(EmbeddedDns)["centos_two/resolv.conf"].Content);
    }

    [Theory]
    [InlineData("options ndots:2 rotate", "options ndots:2 rotate")] // the host's own ndots stands, as in Docker
    [InlineData("options ndots:x rotate", "options rotate ndots:0")] // an invalid one is dropped
    [InlineData("options ndots:-1", "options ndots:0")]
    public void Ndots_is_zero_unless_the_host_sets_a_valid_one(string hostOptions, string expected) =>
        Assert.Equal($"nameserver 127.0.0.11\n{expected}\n",
            Files(EmbeddedDns, ResolvConf.Parse($"nameserver 192.168.1.1\n{hostOptions}\n"))["centos_three/resolv.conf"].Content);

    [Fact]
    public void Hosts_lists_localhost_the_container_and_its_peers_on_shared_dns_networks_only()
    {
        var files = Files(EmbeddedDns);
        // The DNS network's holders by address, itself among them, with the names DNS gives them; then
        // its own default-bridge address with its name alone. centos_one shares only the default bridge: absent.
        Assert.Equal(
            Localhost +
            "192.168.3.2\tcentos_two centos_two.internal\n" +
            "192.168.3.3\tcentos_three centos_three.internal\n" +
            "172.17.0.3\tcentos_two\n",
            files["centos_two/hosts"].Content);
        Assert.Equal(Localhost + "172.17.0.2\tcentos_one\n", files["centos_one/hosts"].Content);
        Assert.DoesNotContain("centos_one", files["centos_three/hosts"].Content);
    }

    [Fact]
    public void A_container_on_two_dns_networks_sees_the_names_of_both_in_its_own_network_order()
    {
        // Podman's netavark shows only one network's names here (netavark#1348); Docker shows both.
        var files = Files("""
            version: 1
            name: p
            networks:
              front: {subnet: 10.1.0.0/24}
              back: {subnet: 10.2.0.0/24}
            containers:
              web: {networks: [front]}
              api: {networks: [back, front]}
              db: {networks: {back: {aliases: [sql]}}}
            """);
        Assert.Equal(
            Localhost +
            "10.2.0.2\tapi api.back\n" +
            "10.2.0.3\tdb sql db.back\n" +
            "10.1.0.2\tweb web.front\n" +
            "10.1.0.3\tapi api.front\n",
            files["api/hosts"].Content);
        // web and db share no network: neither lists the other.
        Assert.Equal(Localhost + "10.1.0.2\tweb web.front\n10.1.0.3\tapi api.front\n", files["web/hosts"].Content);
        Assert.Equal(Localhost + "10.2.0.2\tapi api.back\n10.2.0.3\tdb sql db.back\n", files["db/hosts"].Content);
    }

    [Fact]
    public void Members_of_the_same_networks_share_one_hosts_text()
    {
        var files = Files("""
            version: 1
            name: p
            networks:
              lan: {subnet: 10.1.0.0/24}
            containers:
              a: {networks: [lan]}
              b: {networks: [lan]}
              c: {networks: [lan, bridge]}
            """);
        Assert.Same(files["a/hosts"].Content, files["b/hosts"].Content);
        // c's own default-bridge address follows: a text of its own.
        Assert.Equal(files["a/hosts"].Content + "172.17.0.2\tc\n", files["c/hosts"].Content);
    }

    [Fact]
    public void Hosts_agrees_with_the_dns_view_the_first_line_with_a_name_holds_an_address_it_answers()
    {
        var load = SpecLoader.Parse("""
            version: 1
            name: p
            networks:
              front: {subnet: 10.1.0.0/24}
              back: {subnet: 10.2.0.0/24}
            containers:
              web: {networks: {front: {aliases: [app]}, back: {}}}
              api: {networks: {back: {aliases: [app]}, front: {}}}
              db: {networks: {back: {aliases: [web]}}}
            """, "t.yaml");
        var topology = Pipeline.Resolve(load.File!);
        var views = DnsViews.Build(topology).ToDictionary(v => v.Namespace);
        foreach (var file in topology.Desired.Files.Where(f => f.Name == NamespaceFileState.Hosts))
        {
            var view = views[file.Namespace];
            var lines = file.Content.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToList();
            foreach (var name in lines.SelectMany(l => l[1].Split(' ')).Distinct())
            {
                if (!view.TryResolve(name, out var answers, out _)) continue; // localhost, or its own name on no DNS network
                var first = lines.First(l => l[1].Split(' ').Contains(name))[0];
                Assert.True(answers.Any(a => a.ToString() == first), $"{file.Key}: {name} is {first} in hosts, {string.Join(",", answers)} in DNS");
            }
        }
    }

    [Fact]
    public void Container_mode_gets_its_roots_files_under_its_own_label_and_host_mode_none()
    {
        var files = Files("""
            version: 1
            name: m
            networks:
              lan: {subnet: 10.5.0.0/24}
            containers:
              web: {networks: [lan]}
              shell: {network_mode: "container:web"}
              deep: {network_mode: "container:shell"}
              agent: {network_mode: host}
              isolated: {network_mode: none}
            """);
        foreach (var name in new[] { "shell", "deep" })
        {
            Assert.Equal(files["web/hosts"].Content, files[$"{name}/hosts"].Content);
            Assert.Equal(files["web/resolv.conf"].Content, files[$"{name}/resolv.conf"].Content);
            Assert.Equal(new Label("m", LabelRole.Container, name), files[$"{name}/hosts"].Owner);
        }
        Assert.Contains("10.5.0.2\tweb web.lan\n", files["shell/hosts"].Content);
        Assert.DoesNotContain(files.Keys, k => k.StartsWith("agent/", StringComparison.Ordinal));
        Assert.Equal(Localhost, files["isolated/hosts"].Content);
        Assert.Equal("nameserver 8.8.8.8\nnameserver 8.8.4.4\n", files["isolated/resolv.conf"].Content);
    }

    [Fact]
    public void A_network_with_dns_off_is_a_network_without_names()
    {
        var files = Files("""
            version: 1
            name: p
            networks:
              quiet: {subnet: 10.7.0.0/24, dns: false}
            containers:
              a: {networks: [quiet]}
              b: {networks: [quiet]}
            """, ResolvConf.Parse("nameserver 192.168.1.1\n"));
        Assert.Equal("nameserver 192.168.1.1\n", files["a/resolv.conf"].Content);
        Assert.Equal(Localhost + "10.7.0.2\ta\n", files["a/hosts"].Content);
    }

    [Fact]
    public void The_written_file_starts_with_the_owners_label_and_reads_back_the_same()
    {
        var file = Files(EmbeddedDns)["centos_two/resolv.conf"];
        Assert.StartsWith("# topo:edns:container:centos_two — written by topo; changes are overwritten\nnameserver 127.0.0.11\n", file.Text);
        Assert.Equal(file, NamespaceFileState.Parse(file.Namespace, file.Name, file.Text));
        var foreign = NamespaceFileState.Parse("web", "hosts", "# my own hosts\n127.0.0.1 localhost\n");
        Assert.Null(foreign.Owner);
        Assert.Equal("# my own hosts\n127.0.0.1 localhost\n", foreign.Content);
    }
}
