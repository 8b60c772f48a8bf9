using Topo.Core.Firewall;
using SandboxWorld = Topo.Linux.Tests.Sandbox.Sandbox;
using static Topo.Linux.Tests.Nftables.TrafficWorld;

namespace Topo.Linux.Tests.Nftables;

/// <summary>
/// A container reaching its own published port through a host address (hairpin to itself), with
/// bridge-nf-call-iptables on (the default; Docker forces it) and off. With it on, the DNATed packet
/// is bridged back out of the port it came in on: the port needs hairpin mode, and the packet
/// needs masquerading by address (it has no input interface then), or the container would see its
/// own address as the source and drop the packet.
/// </summary>
public sealed class HairpinTrafficTests
{
    private const string Yaml = """
        version: 1
        name: hairpin
        networks:
          front: {subnet: 10.97.1.0/24}
        containers:
          web:
            networks: [front]
            ports: ["80:8080"]
          peer: {networks: [front]}
        """;

    [Fact]
    public void A_container_reaches_its_own_published_port_through_a_host_address()
    {
        SandboxWorld.SkipUnlessRoot();
        var topology = NftablesClientTests.Resolve(Yaml);
        var (sandbox, nft) = Apply(topology);
        using (sandbox)
        using (nft)
        {
            var web = sandbox.Store.PathOf("web");
            var peer = sandbox.Store.PathOf("peer");
            var gateway = topology.FindNetwork("front")!.Gateway.ToString();
            using var server = StartServer(web, "0.0.0.0", 8080);
            WaitUntil(() => Curl(sandbox.Host.Path, $"http://{Address(topology, "web")}:8080/") is not null, "the server in web answers the host directly");

            var modes = 0;
            foreach (var brNetfilter in new[] { true, false })
            {
                if (!SetBridgeNetfilter(sandbox.Host.Path, brNetfilter)) continue;
                modes++;
                // Masqueraded to the gateway either way: it must not see its own address as the source.
                Assert.Equal(gateway, Curl(web, "http://10.99.0.1:80/"));
                // Another container as before: bridged (its own address) with br_netfilter, routed and masqueraded without.
                Assert.Equal(brNetfilter ? Address(topology, "peer") : gateway, Curl(peer, "http://10.99.0.1:80/"));
            }
            if (modes == 0) Assert.Skip("br_netfilter is not available: bridge-nf-call-iptables cannot be set");

            // With br_netfilter both halves are needed, and each alone does not do: the port's hairpin mode ...
            if (!SetBridgeNetfilter(sandbox.Host.Path, true)) return;
            var port = topology.Containers.Single(c => c.Name == "web").Endpoints.Single().HostInterface;
            SandboxWorld.Ip(sandbox.Host, $"link set {port} type bridge_slave hairpin off");
            Assert.Null(Curl(web, "http://10.99.0.1:80/"));
            SandboxWorld.Ip(sandbox.Host, $"link set {port} type bridge_slave hairpin on");
            Assert.Equal(gateway, Curl(web, "http://10.99.0.1:80/"));
            // ... and the masquerade by address (the hairpin-self element).
            var ruleset = RulesetBuilder.Build(topology);
            nft.Replace(ruleset with { Elements = [.. ruleset.Elements.Where(e => e.Set != FirewallSets.HairpinSelf)] });
            Assert.Null(Curl(web, "http://10.99.0.1:80/"));
        }
    }
}
