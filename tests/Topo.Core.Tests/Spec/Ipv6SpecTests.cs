using Topo.Core.Addressing;
using Topo.Core.Spec;

namespace Topo.Core.Tests.Spec;

/// <summary>How IPv6 is written in a topology file; the errors are in the broken corpus (ipv6-*).</summary>
public sealed class Ipv6SpecTests
{
    private static TopologyFile Load(string yaml)
    {
        var load = SpecLoader.Parse(yaml, "t.yaml");
        Assert.False(load.HasErrors, string.Join("\n", load.Diagnostics));
        return load.File!;
    }

    [Fact]
    public void Subnet_gateway_and_ip_range_take_one_value_per_family_in_either_order()
    {
        var n = Load("""
            version: 1
            name: t
            networks:
              a:
                enable_ipv6: true
                subnet: ["fd00:1::/64", 10.1.0.0/24]
                gateway: [10.1.0.1, "fd00:1::1"]
                ip_range: ["fd00:1::8000:0:0:0/65"]
                aux_addresses: {r4: 10.1.0.9, r6: "fd00:1::9"}
            """).Networks.Single();
        Assert.Equal((Ipv4Prefix.Parse("10.1.0.0/24"), Ipv6Prefix.Parse("fd00:1::/64")), (n.Subnet, n.Ipv6Subnet));
        Assert.Equal((Ipv4Address.Parse("10.1.0.1"), Ipv6Address.Parse("fd00:1::1")), (n.Gateway, n.Ipv6Gateway));
        Assert.Equal((null, Ipv6Prefix.Parse("fd00:1::8000:0:0:0/65")), (n.IpRange, n.Ipv6Range));
        Assert.Equal(["10.1.0.9", "fd00:1::9"], n.AuxAddresses.Select(a => a.Address.ToString()));
        Assert.True(n.EnableIpv6);
        Assert.Equal(7, n.At(NetworkSpec.Ipv6Field("gateway")).Line);
        Assert.Equal(25, n.At(NetworkSpec.Ipv6Field("gateway")).Column);
    }

    [Fact]
    public void The_single_string_form_stays_valid_for_either_family()
    {
        var file = Load("""
            version: 1
            name: t
            networks:
              four: {subnet: 10.1.0.0/24}
              six: {enable_ipv6: true, subnet: "fd00:2::/64"}
            """);
        Assert.Equal((Ipv4Prefix.Parse("10.1.0.0/24"), (Ipv6Prefix?)null), (file.Networks[0].Subnet, file.Networks[0].Ipv6Subnet));
        Assert.Equal(((Ipv4Prefix?)null, Ipv6Prefix.Parse("fd00:2::/64")), (file.Networks[1].Subnet, file.Networks[1].Ipv6Subnet));
    }

    [Fact]
    public void Dockers_enable_ipv6_option_key_turns_ipv6_on()
    {
        var n = Load("""
            version: 1
            name: t
            networks:
              a: {options: {com.docker.network.enable_ipv6: "true"}}
            """).Networks.Single();
        Assert.True(n.EnableIpv6);
    }

    [Fact]
    public void A_static_ipv6_address_and_ipv6_host_ports_are_read()
    {
        var c = Load("""
            version: 1
            name: t
            networks:
              a: {enable_ipv6: true, subnet: "fd00:1::/64"}
            containers:
              web:
                networks: {a: {ipv6: "fd00:1::20"}}
                ports: ["[fd00::5]:8080:80", "[::]:8081:81/udp", {target: 82, published: 8082, host_ip: "fd00::6"}]
            """).Containers.Single();
        Assert.Equal(Ipv6Address.Parse("fd00:1::20"), c.Networks.Single().Ipv6);
        Assert.Equal(["[fd00::5]:8080:80/tcp", "[::]:8081:81/udp", "[fd00::6]:8082:82/tcp"], c.Ports.Select(p => p.ToString()));
        Assert.All(c.Ports, p => Assert.True(p.HostIp!.Value.IsV6));
    }

    [Fact]
    public void The_same_port_on_an_ipv4_and_an_ipv6_address_does_not_collide() =>
        Load("""
            version: 1
            name: t
            networks:
              a: {enable_ipv6: true}
            containers:
              one: {networks: [a], ports: ["0.0.0.0:8080:80"]}
              two: {networks: [a], ports: ["[::]:8080:80"]}
            """);
}
