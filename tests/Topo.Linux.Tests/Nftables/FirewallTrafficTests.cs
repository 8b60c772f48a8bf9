using System.Diagnostics;
using Topo.Core.Firewall;
using Topo.Core.Resolution;
using Topo.Linux.Nftables;
using SandboxWorld = Topo.Linux.Tests.Sandbox.Sandbox;
using static Topo.Linux.Tests.Nftables.TrafficWorld;

namespace Topo.Linux.Tests.Nftables;

/// <summary>
/// Real traffic through a built ruleset in a sandbox (<see cref="TrafficWorld"/>): the sandbox
/// namespace plays the host (uplink0 10.99.0.1), "outside" plays another machine (10.99.0.2); a
/// tiny TCP server in the web container answers every connection with the client address it sees.
/// </summary>
public sealed class FirewallTrafficTests
{
    private const string Yaml = """
        version: 1
        name: traffic
        networks:
          front: {subnet: 10.98.1.0/24}
          back: {subnet: 10.98.2.0/24}
        containers:
          web:
            networks: [front]
            ports: ["80:8080", "127.0.0.1:8443:8080"]
          peer: {networks: [front]}
          stranger: {networks: [back]}
        """;

    [Fact]
    public void Published_ports_reach_the_container_with_the_client_address_and_forbidden_paths_fail()
    {
        SandboxWorld.SkipUnlessRoot();
        var topology = NftablesClientTests.Resolve(Yaml);
        var ruleset = RulesetBuilder.Build(topology);
        using var sandbox = SandboxWorld.Create(withOutside: true);
        var host = sandbox.Host.Path;
        var outside = sandbox.Outside!.Path;
        SandboxWorld.Ip(sandbox.Host, "addr add 10.99.0.1/24 dev uplink0");
        SandboxWorld.Ip(sandbox.Outside, "addr add 10.99.0.2/24 dev eth0");
        Build(sandbox, topology);
        foreach (var (key, value) in ruleset.RequiredSysctls)
            SandboxWorld.Run("nsenter", $"--net={host} sysctl -q -w {key}={value}");

        var web = Address(topology, "web");
        var gateway = topology.FindNetwork("front")!.Gateway.ToString();
        using var server = StartServer(sandbox.Store.PathOf("web"), "0.0.0.0", 8080);
        WaitUntil(() => Curl(host, $"http://{web}:8080/") is not null, "the server in the web container answers the host directly");

        // Without the ruleset the published port does not exist.
        Assert.Null(Curl(outside, "http://10.99.0.1:80/"));

        using var nft = new NftablesClient(sandbox.Thread, sandbox.Host);
        nft.Replace(ruleset);

        // Another machine through the host's address: reaches the container, real client address.
        Assert.Equal("10.99.0.2", Curl(outside, "http://10.99.0.1:80/"));
        // The host itself, through its own address (no NAT of the source) and through 127.0.0.1
        // (the loopback source must be masqueraded to the gateway to leave on the bridge).
        Assert.Equal("10.99.0.1", Curl(host, "http://10.99.0.1:80/"));
        Assert.Equal(gateway, Curl(host, "http://127.0.0.1:80/"));
        Assert.Equal(gateway, Curl(host, "http://127.0.0.1:8443/"));
        // A container on the same bridge through the host's address (hairpin). With br_netfilter
        // (bridge-nf-call-iptables=1) the DNATed packet is bridged, the reply is un-NATed on the
        // bridge and the server sees the peer itself; without it the packet is routed back out
        // of the bridge and masqueraded so that the reply comes back through the host.
        var peer = Address(topology, "peer");
        SetBridgeNetfilter(host, false);
        Assert.Equal(gateway, Curl(sandbox.Store.PathOf("peer"), "http://10.99.0.1:80/"));
        if (SetBridgeNetfilter(host, true))
            Assert.Equal(peer, Curl(sandbox.Store.PathOf("peer"), "http://10.99.0.1:80/"));

        // 127.0.0.1-only port: not from outside.
        Assert.Null(Curl(outside, "http://10.99.0.1:8443/"));
        // No direct routing into the network from outside, even with a route to it.
        SandboxWorld.Ip(sandbox.Outside, "route add 10.98.0.0/16 via 10.99.0.1");
        Assert.Null(Curl(outside, $"http://{web}:8080/"));
        // Isolation: a container on another network cannot reach web directly.
        Assert.Null(Curl(sandbox.Store.PathOf("stranger"), $"http://{web}:8080/"));

        // The loopback guard: route_localnet on the bridge must not let a container reach the
        // host's loopback services. The peer is rigged to send 127.0.0.1 to its gateway; a probe
        // table counts what the host's input hook sees of it.
        var peerNs = sandbox.Store.PathOf("peer");
        var bridge = topology.FindNetwork("front")!.BridgeName;
        SandboxWorld.Run("nsenter", $"--net={peerNs} sysctl -q -w net.ipv4.conf.all.route_localnet=1 net.ipv4.conf.eth0.route_localnet=1");
        sandbox.IpIn("peer", "route del local 127.0.0.1 dev lo table local");
        sandbox.IpIn("peer", "route del local 127.0.0.0/8 dev lo table local");
        sandbox.IpIn("peer", $"route add 127.0.0.1/32 via {gateway} dev eth0 src {peer}");
        nft.Run($"add table ip probe; add chain ip probe in {{ type filter hook input priority 0; }}; " +
                $"add rule ip probe in iifname \"{bridge}\" ip daddr 127.0.0.1 tcp dport 9000 counter");
        Assert.Null(Curl(peerNs, "http://127.0.0.1:9000/"));
        Assert.Equal(0, ProbePackets(nft));
        // ... and it is the guard that stops it: without it the host takes the connection in.
        nft.Replace(ruleset with { Rules = [.. ruleset.Rules.Where(r => r.Chain != RulesetBuilder.RawPrerouting)] });
        Curl(peerNs, "http://127.0.0.1:9000/");
        Assert.True(ProbePackets(nft) > 0);
    }

    /// <summary>Packets counted by the probe table's single rule.</summary>
    private static long ProbePackets(NftablesClient nft)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(nft.Run("list table ip probe"));
        foreach (var item in doc.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (!item.TryGetProperty("rule", out var rule)) continue;
            foreach (var statement in rule.GetProperty("expr").EnumerateArray())
                if (statement.TryGetProperty("counter", out var counter)) return counter.GetProperty("packets").GetInt64();
        }
        throw new InvalidOperationException("no counter in the probe table");
    }

    /// <summary>
    /// examples/wordpress.yaml's shape plus a container on the default bridge: WordPress reaches
    /// MariaDB on the internal network; MariaDB cannot be reached from outside nor from the default
    /// bridge, and cannot reach out.
    /// </summary>
    [Fact]
    public void Internal_network_is_cut_off_except_between_its_own_containers()
    {
        SandboxWorld.SkipUnlessRoot();
        var topology = NftablesClientTests.Resolve("""
            version: 1
            name: wordpress
            networks:
              internal: {subnet: 192.168.1.0/24, gateway: 192.168.1.1, internal: true}
            containers:
              mariadb: {networks: [internal]}
              wordpress:
                networks: [internal, bridge]
                ports: ["80:80"]
              client: {}
            """);
        var (sandbox, nft) = Apply(topology);
        using (sandbox)
        using (nft)
        {
            var db = Address(topology, "mariadb");
            SandboxWorld.Ip(sandbox.Outside!, "route add 192.168.0.0/16 via 10.99.0.1");
            SandboxWorld.Ip(sandbox.Outside!, "route add 172.17.0.0/16 via 10.99.0.1");
            // Only on the internal network, mariadb has a default route through its gateway (as
            // Docker gives it): it reaches the host's own addresses, and the firewall stops it there.
            Assert.Contains("default via 192.168.1.1", sandbox.IpIn("mariadb", "route show default"));
            Assert.True(Ping(sandbox.Store.PathOf("mariadb"), "10.99.0.1"));
            Assert.True(Ping(sandbox.Store.PathOf("wordpress"), db));
            Assert.True(Ping(sandbox.Store.PathOf("client"), Address(topology, "wordpress", "bridge")));
            Assert.True(Ping(sandbox.Store.PathOf("client"), "10.99.0.2"));   // the default bridge goes out
            Assert.False(Ping(sandbox.Outside!.Path, db));
            Assert.False(Ping(sandbox.Store.PathOf("client"), db));
            Assert.False(Ping(sandbox.Store.PathOf("mariadb"), "10.99.0.2"));
            Assert.False(Ping(sandbox.Outside!.Path, Address(topology, "client")));  // no direct routing

            // Another project on the shared default bridge: its table must not break this one's
            // published port to a container on that bridge.
            using var server = StartServer(sandbox.Store.PathOf("wordpress"), "0.0.0.0", 80);
            WaitUntil(() => Curl(sandbox.Host.Path, $"http://{Address(topology, "wordpress", "bridge")}:80/") is not null, "wordpress answers");
            Assert.Equal("10.99.0.2", Curl(sandbox.Outside!.Path, "http://10.99.0.1:80/"));
            nft.Replace(RulesetBuilder.Build(NftablesClientTests.Resolve("""
                version: 1
                name: other
                containers:
                  lonely: {}
                """)));
            Assert.Equal("10.99.0.2", Curl(sandbox.Outside!.Path, "http://10.99.0.1:80/"));

            // And it is the internal rules that hold: without them the same paths work.
            var ruleset = RulesetBuilder.Build(topology);
            nft.Replace(ruleset with { Rules = [.. ruleset.Rules.Where(r => !r.Comment.Contains(" internal: ", StringComparison.Ordinal))] });
            Assert.True(Ping(sandbox.Outside!.Path, db));
            Assert.True(Ping(sandbox.Store.PathOf("mariadb"), "10.99.0.2"));
        }
    }

    /// <summary>
    /// The reference's ICC scenario: on an icc=false network two containers cannot reach each other,
    /// each reaches its gateway, with or without br_netfilter (port isolation cuts layer 2, the
    /// forward rule cuts what br_netfilter or routing hands to the IP layer).
    /// </summary>
    [Fact]
    public void Icc_off_containers_cannot_reach_each_other_but_reach_the_gateway()
    {
        SandboxWorld.SkipUnlessRoot();
        var topology = NftablesClientTests.Resolve("""
            version: 1
            name: icc-disabled
            networks:
              internal:
                subnet: 192.168.2.0/24
                gateway: 192.168.2.1
                options: {com.docker.network.bridge.enable_icc: "false"}
            containers:
              centos1: {networks: {internal: {ipv4: 192.168.2.11}}}
              centos2: {networks: {internal: {ipv4: 192.168.2.12}}}
            """);
        var (sandbox, nft) = Apply(topology);
        using (sandbox)
        using (nft)
        {
            var c1 = sandbox.Store.PathOf("centos1");
            var c2 = sandbox.Store.PathOf("centos2");
            foreach (var brNetfilter in new[] { false, true })
            {
                if (!SetBridgeNetfilter(sandbox.Host.Path, brNetfilter)) continue;
                Assert.True(Ping(c1, "192.168.2.1"));
                Assert.True(Ping(c2, "192.168.2.1"));
                Assert.False(Ping(c1, "192.168.2.12"));
                Assert.False(Ping(c2, "192.168.2.11"));
            }

            // Through the host instead of layer 2: routes via the gateway. The forward rule stops
            // it, and it is that rule: without it the routed path works.
            var bridge = topology.FindNetwork("internal")!.BridgeName;
            SandboxWorld.Run("nsenter", $"--net={sandbox.Host.Path} sysctl -q -w net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.{bridge}.send_redirects=0");
            sandbox.IpIn("centos1", "route add 192.168.2.12/32 via 192.168.2.1");
            sandbox.IpIn("centos2", "route add 192.168.2.11/32 via 192.168.2.1");
            SetBridgeNetfilter(sandbox.Host.Path, false);
            Assert.False(Ping(c1, "192.168.2.12"));
            var ruleset = RulesetBuilder.Build(topology);
            nft.Replace(ruleset with { Rules = [.. ruleset.Rules.Where(r => !r.Comment.EndsWith(" icc off", StringComparison.Ordinal))] });
            Assert.True(Ping(c1, "192.168.2.12"));
        }
    }
}
