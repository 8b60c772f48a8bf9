using Topo.Core.Addressing;
using Topo.Core.Firewall;

namespace Topo.Core.Tests.Firewall;

/// <summary>
/// A set element is shown in plans in nft syntax (its key and data text), and compared with what
/// the observer renders from libnftables' JSON: the builder's own text must be that rendering of
/// its JSON, or a converged host would show changes.
/// </summary>
public sealed class ValueBuilderTests
{
    public static TheoryData<string> Cases => ["ifname", "ifname pair", "bridge subnet", "publish key", "publish data", "range key", "port range", "addresses", "host prefix"];

    private static (ValueBuilder Value, string[] Types) Case(string name) => name switch
    {
        "ifname" => (new ValueBuilder().Name("br-0123456789ab"), ["ifname"]),
        "ifname pair" => (new ValueBuilder().Name("br-*").Name("quiet\"0"), ["ifname", "ifname"]),
        "bridge subnet" => (new ValueBuilder().Name("br-0123456789ab").Prefix(Ipv4Prefix.Parse("10.100.0.0/16")), ["ifname", "ipv4_addr"]),
        "publish key" => (new ValueBuilder().Protocol("tcp").Prefix(new Ipv4Prefix(Ipv4Address.Any, 0)).Port(10001), ["inet_proto", "ipv4_addr", "inet_service"]),
        "publish data" => (new ValueBuilder().Address(Ipv4Address.Parse("10.100.0.2")).Port(80), ["ipv4_addr", "inet_service"]),
        "range key" => (new ValueBuilder().Protocol("udp").Prefix(Ipv4Prefix.Parse("127.0.0.1/32")).Ports(8000, 8100), ["inet_proto", "ipv4_addr", "inet_service"]),
        "port range" => (new ValueBuilder().Ports(53, 53), ["inet_service"]),
        "addresses" => (new ValueBuilder().Address(Ipv4Address.Parse("172.18.0.3")).Address(Ipv4Address.Parse("172.18.0.3")), ["ipv4_addr", "ipv4_addr"]),
        "host prefix" => (new ValueBuilder().Address(Ipv4Address.Parse("10.0.0.5")).Protocol("udp").Ports(5353, 5360), ["ipv4_addr", "inet_proto", "inet_service"]),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Its_text_is_the_nft_rendering_of_its_json(string name)
    {
        var (value, types) = Case(name);

        Assert.Equal(NftText.RenderValue(value.Build(), types), value.Text(types));
    }

    [Fact]
    public void Every_element_of_a_ruleset_shows_what_its_json_renders_to()
    {
        var ruleset = FirewallTopologies.Build("""
            version: 1
            name: demo
            networks:
              front: {subnet: 10.10.1.0/24}
              quiet: {subnet: 10.10.4.0/24, icc: false, bridge_name: quiet0}
            containers:
              web:
                networks: [front, quiet]
                ports: ["80:8080", "127.0.0.1:8443:443/tcp", "10.0.0.5:53:5353/udp", "9000-9010:9000-9010"]
            """);

        Assert.NotEmpty(ruleset.Elements);
        foreach (var element in ruleset.Elements)
        {
            var set = ruleset.FindSet(element.Set)!;
            Assert.Equal(NftText.RenderValue(element.Key, set.KeyType), element.KeyText);
            if (element.Value is { } data) Assert.Equal(NftText.RenderValue(data, set.DataType), element.ValueText);
        }
    }
}
