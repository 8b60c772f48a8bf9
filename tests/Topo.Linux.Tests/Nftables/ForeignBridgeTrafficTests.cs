using Topo.Core.Firewall;
using Topo.Core.Resolution;
using SandboxWorld = Topo.Linux.Tests.Sandbox.Sandbox;
using static Topo.Linux.Tests.Nftables.TrafficWorld;

namespace Topo.Linux.Tests.Nftables;

/// <summary>
/// Isolation against bridges topo does not own (<see cref="TrafficWorld"/>): a docker0 made by
/// hand with a "Docker container" behind it, and a host whose way out is itself a bridge.
/// </summary>
public sealed class ForeignBridgeTrafficTests
{
    private const string Yaml = """
        version: 1
        name: neighbour
        networks:
          front: {subnet: 10.98.1.0/24}
        containers:
          app: {networks: [front]}
        """;

    /// <summary>Docker's default bridge and a container on it, as dockerd makes them (no Docker rules).</summary>
    private static string AddDocker(SandboxWorld sandbox)
    {
        SandboxWorld.Ip(sandbox.Host, "link add docker0 type bridge");
        SandboxWorld.Ip(sandbox.Host, "addr add 172.17.0.1/16 dev docker0");
        SandboxWorld.Ip(sandbox.Host, "link set docker0 up");
        sandbox.Store.Create("dockerc").Dispose();
        sandbox.IpIn("dockerc", "link set lo up");
        SandboxWorld.Ip(sandbox.Host, $"link add vethdock type veth peer name eth0 netns {sandbox.Store.PathOf("dockerc")}");
        SandboxWorld.Ip(sandbox.Host, "link set vethdock master docker0 up");
        sandbox.IpIn("dockerc", "addr add 172.17.0.2/16 dev eth0");
        sandbox.IpIn("dockerc", "link set eth0 up");
        sandbox.IpIn("dockerc", "route add default via 172.17.0.1");
        return sandbox.Store.PathOf("dockerc");
    }

    [Fact]
    public void Neither_a_network_nor_a_foreign_bridge_reaches_the_other_directly()
    {
        SandboxWorld.SkipUnlessRoot();
        var topology = NftablesClientTests.Resolve(Yaml);
        var (sandbox, nft) = Apply(topology);
        using (sandbox)
        using (nft)
        {
            var docker = AddDocker(sandbox);
            var app = sandbox.Store.PathOf("app");
            var appAddress = Address(topology, "app");
            using var dockerServer = StartServer(docker, "0.0.0.0", 80);
            using var appServer = StartServer(app, "0.0.0.0", 8080);
            WaitUntil(() => Curl(sandbox.Host.Path, "http://172.17.0.2:80/") is not null, "the Docker container answers the host");
            WaitUntil(() => Curl(sandbox.Host.Path, $"http://{appAddress}:8080/") is not null, "app answers the host");

            Assert.True(Ping(app, "10.99.0.2"));                             // the outside stays reachable
            Assert.Null(Curl(app, "http://172.17.0.2:80/"));                  // topo → Docker
            Assert.Null(Curl(docker, $"http://{appAddress}:8080/"));          // Docker → topo

            // Each direction is held by its rule: without "isolate" app reaches the Docker container,
            // without "no direct routing in" the Docker container reaches app.
            var ruleset = RulesetBuilder.Build(topology);
            nft.Replace(ruleset with { Rules = [.. ruleset.Rules.Where(r => !r.Comment.EndsWith(" isolate", StringComparison.Ordinal))] });
            Assert.NotNull(Curl(app, "http://172.17.0.2:80/"));             // (masqueraded: it leaves the network)
            nft.Replace(ruleset with { Rules = [.. ruleset.Rules.Where(r => !r.Comment.EndsWith(" no direct routing in", StringComparison.Ordinal))] });
            Assert.Null(Curl(app, "http://172.17.0.2:80/"));
            Assert.Equal("172.17.0.2", Curl(docker, $"http://{appAddress}:8080/"));
        }
    }

    /// <summary>
    /// The host's uplink is a bridge (its NIC bridged, as for VMs) with the default route: isolation
    /// must let the network out through it — the resolver lists such a bridge in uplink-bridges —
    /// and without that element the same bridge is isolated like any other.
    /// </summary>
    [Fact]
    public void A_bridge_that_is_the_hosts_way_out_is_not_isolated()
    {
        SandboxWorld.SkipUnlessRoot();
        var topology = NftablesClientTests.Resolve(Yaml) with { UplinkBridges = ["lan0"] };
        var (sandbox, nft) = Apply(topology);
        using (sandbox)
        using (nft)
        {
            SandboxWorld.Ip(sandbox.Host, "addr del 10.99.0.1/24 dev uplink0");
            SandboxWorld.Ip(sandbox.Host, "link add lan0 type bridge");
            SandboxWorld.Ip(sandbox.Host, "link set uplink0 master lan0");
            SandboxWorld.Ip(sandbox.Host, "addr add 10.99.0.1/24 dev lan0");
            SandboxWorld.Ip(sandbox.Host, "link set lan0 up");
            SandboxWorld.Ip(sandbox.Outside!, "addr add 203.0.113.1/32 dev eth0");
            SandboxWorld.Ip(sandbox.Host, "route add default via 10.99.0.2 dev lan0");
            var app = sandbox.Store.PathOf("app");
            WaitUntil(() => Ping(app, "203.0.113.1"), "app reaches a machine beyond the bridged uplink");
            Assert.True(Ping(app, "10.99.0.2"));

            nft.Replace(RulesetBuilder.Build(topology with { UplinkBridges = [] }));
            Assert.False(Ping(app, "203.0.113.1"));
        }
    }
}
