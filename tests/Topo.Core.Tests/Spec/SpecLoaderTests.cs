using System.Text;
using Topo.Core.Addressing;
using Topo.Core.Spec;

namespace Topo.Core.Tests.Spec;

public sealed class SpecLoaderTests
{
    private static TopologyFile LoadOk(string text)
    {
        var result = SpecLoader.Parse(text, "t.yaml");
        Assert.Equal("", string.Join("\n", result.Diagnostics));
        return Assert.IsType<TopologyFile>(result.File);
    }

    [Fact]
    public void Short_form_networks_keep_order_and_defaults()
    {
        var file = LoadOk("""
            version: 1
            name: app
            networks:
              back: {}
            containers:
              web:
                networks: [back, bridge]
            """);
        var web = file.FindContainer("web")!;
        Assert.Equal(NetworkModeKind.Networks, web.Mode);
        Assert.Equal(["back", "bridge"], web.Networks.Select(a => a.Network));
        Assert.All(web.Networks, a => Assert.Null(a.Ipv4));
        Assert.All(web.Networks, a => Assert.Equal(0, a.GwPriority));
        Assert.Equal(new SourceSpan("t.yaml", 7, 16), web.Networks[0].Span);
    }

    [Fact]
    public void Long_form_networks_read_every_field_with_positions()
    {
        var file = LoadOk("""
            version: 1
            name: app
            networks:
              internal:
                subnet: 192.168.1.0/24
            containers:
              mariadb:
                networks:
                  internal:
                    ipv4: 192.168.1.10
                    aliases: [db, database]
                    gw_priority: -5
                    mac_address: 02:42:c0:a8:01:0a
                  bridge:
            """);
        var db = file.FindContainer("mariadb")!;
        var a = db.Networks[0];
        Assert.Equal(Ipv4Address.Parse("192.168.1.10"), a.Ipv4);
        Assert.Equal(["db", "database"], a.Aliases);
        Assert.Equal(-5, a.GwPriority);
        Assert.Equal(MacAddress.Parse("02:42:c0:a8:01:0a"), a.MacAddress);
        Assert.Equal(new SourceSpan("t.yaml", 10, 15), a.At("ipv4"));
        Assert.Equal("bridge", db.Networks[1].Network);
        Assert.Equal(new SourceSpan("t.yaml", 7, 3), db.Span);
        Assert.Equal(new SourceSpan("t.yaml", 9, 7), db.At("networks"));
    }

    [Fact]
    public void A_container_without_networks_joins_the_default_bridge()
    {
        var file = LoadOk("version: 1\nname: app\ncontainers:\n  web:\n  db: {}\n");
        Assert.All(file.Containers, c => Assert.Equal("bridge", Assert.Single(c.Networks).Network));
        Assert.Empty(file.Networks);
    }

    [Fact]
    public void Network_modes_are_read()
    {
        var file = LoadOk("version: 1\nname: app\ncontainers:\n  a:\n    network_mode: host\n  b:\n    network_mode: none\n  c: {}\n  d:\n    network_mode: container:c\n");
        Assert.Equal(NetworkModeKind.Host, file.FindContainer("a")!.Mode);
        Assert.Equal(NetworkModeKind.None, file.FindContainer("b")!.Mode);
        var d = file.FindContainer("d")!;
        Assert.Equal(NetworkModeKind.Container, d.Mode);
        Assert.Equal("c", d.ModeTarget);
        Assert.Empty(d.Networks);
        Assert.Empty(file.FindContainer("a")!.Networks);
    }

    [Fact]
    public void Ports_short_and_long_forms()
    {
        var file = LoadOk("""
            version: 1
            name: app
            containers:
              web:
                ports:
                  - "80:80"
                  - "127.0.0.1:8443:443/tcp"
                  - "53:53/udp"
                  - 8080:80
                  - target: 9000
                    published: 9001
                    host_ip: 10.0.0.1
                    protocol: udp
            """);
        var ports = file.FindContainer("web")!.Ports.Select(p => p.ToString());
        Assert.Equal(["80:80/tcp", "127.0.0.1:8443:443/tcp", "53:53/udp", "8080:80/tcp", "10.0.0.1:9001:9000/udp"], ports);
    }

    [Fact]
    public void Every_network_field_is_read()
    {
        var file = LoadOk("""
            version: 1
            name: app
            networks:
              front:
                driver: bridge
                subnet: 192.168.1.0/24
                gateway: 192.168.1.1
                ip_range: 192.168.1.128/25
                aux_addresses:
                  exclude_host: 192.168.1.40
                internal: false
                icc: true
                masquerade: true
                mtu: 1400
                bridge_name: bridge2
                dns: false
              ext:
                driver: macvlan
                parent: uplink0.21
                mode: private
                subnet: 172.21.1.0/24
            """);
        var front = file.FindNetwork("front")!;
        Assert.Equal(NetworkDriver.Bridge, front.Driver);
        Assert.Equal("192.168.1.0/24", front.Subnet.ToString());
        Assert.Equal("192.168.1.1", front.Gateway.ToString());
        Assert.Equal("192.168.1.128/25", front.IpRange.ToString());
        var aux = Assert.Single(front.AuxAddresses);
        Assert.Equal(("exclude_host", "192.168.1.40"), (aux.Name, aux.Address.ToString()));
        Assert.Equal((false, true, true, 1400, "bridge2", false), (front.Internal, front.Icc, front.Masquerade, front.Mtu, front.BridgeName, front.Dns));
        Assert.Equal(new SourceSpan("t.yaml", 6, 13), front.At("subnet"));
        var ext = file.FindNetwork("ext")!;
        Assert.Equal((NetworkDriver.Macvlan, "uplink0.21", Topo.Core.Model.MacvlanMode.Private), (ext.Driver, ext.Parent, ext.Mode));
        Assert.Null(ext.Icc);
    }

    [Fact]
    public void Docker_options_fold_into_fields_and_are_kept_raw()
    {
        var file = LoadOk("""
            version: 1
            name: app
            networks:
              internal:
                icc: false
                options:
                  com.docker.network.bridge.name: bridge2
                  com.docker.network.bridge.enable_icc: "false"
                  com.docker.network.bridge.enable_ip_masquerade: false
                  com.docker.network.driver.mtu: "9000"
                  com.docker.network.bridge.host_binding_ipv4: 127.0.0.1
              ext:
                driver: macvlan
                options:
                  parent: uplink0
                  macvlan_mode: vepa
            """);
        var n = file.FindNetwork("internal")!;
        Assert.Equal(("bridge2", false, false, 9000), (n.BridgeName, n.Icc, n.Masquerade, n.Mtu));
        Assert.Equal(Ipv4Address.Parse("127.0.0.1"), n.HostBindingIpv4);
        Assert.Equal("false", n.Options["com.docker.network.bridge.enable_icc"]);
        Assert.Equal("false", n.Options["com.docker.network.bridge.enable_ip_masquerade"]);
        Assert.Equal(5, n.Options.Count);
        Assert.Equal(new SourceSpan("t.yaml", 5, 10), n.At("icc"));          // given directly: the field's place
        Assert.Equal(new SourceSpan("t.yaml", 7, 39), n.At("bridge_name"));  // from an option: the option's place
        var ext = file.FindNetwork("ext")!;
        Assert.Equal(("uplink0", Topo.Core.Model.MacvlanMode.Vepa), (ext.Parent, ext.Mode));
    }

    [Fact]
    public void Unknown_non_docker_options_are_kept_with_a_warning()
    {
        var result = SpecLoader.Parse("version: 1\nname: app\nnetworks:\n  a:\n    options:\n      foo: bar\n", "t.yaml");
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(Severity.Warning, d.Severity);
        Assert.Equal("bar", result.File!.FindNetwork("a")!.Options["foo"]);
    }

    [Fact]
    public void Redeclaring_the_default_bridge_is_allowed()
    {
        var file = LoadOk("version: 1\nname: app\nnetworks:\n  bridge:\n    subnet: 10.200.0.0/16\ncontainers:\n  web: {}\n");
        Assert.Equal("10.200.0.0/16", file.FindNetwork("bridge")!.Subnet.ToString());
    }

    [Fact]
    public void Chains_of_shared_namespaces_are_allowed()
    {
        var file = LoadOk("version: 1\nname: app\ncontainers:\n  a: {}\n  b:\n    network_mode: container:a\n  c:\n    network_mode: container:b\n");
        Assert.Equal("b", file.FindContainer("c")!.ModeTarget);
    }

    [Fact]
    public void Yaml_anchors_and_aliases_work()
    {
        var file = LoadOk("version: 1\nname: app\ncontainers:\n  a:\n    networks: &nets [bridge]\n  b:\n    networks: *nets\n");
        Assert.Equal("bridge", Assert.Single(file.FindContainer("b")!.Networks).Network);
    }

    [Fact]
    public void Load_reports_a_missing_file_instead_of_throwing()
    {
        var result = SpecLoader.Load("/nonexistent/topo.yaml");
        Assert.Null(result.File);
        Assert.StartsWith("/nonexistent/topo.yaml:1:1: error: no such file", Assert.Single(result.Diagnostics).ToString());
    }

    [Fact]
    public void An_oversized_text_is_one_diagnostic()
    {
        var text = new string('#', (int)SpecLoader.MaxFileBytes + 1);
        var d = Assert.Single(SpecLoader.Parse(text, "big.yaml").Diagnostics);
        Assert.Contains("at most", d.Message);
    }

    [Fact]
    public void Alias_bombs_are_refused()
    {
        var sb = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i < 9; i++)
            sb.Append($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]\n");
        var result = SpecLoader.Parse(sb.ToString(), "bomb.yaml");
        Assert.Null(result.File);
        Assert.Contains(result.Diagnostics, d => d.Message.Contains("expands to more than"));
    }
}

/// <summary>Large files: correctness only. Speed is measured by bench/Topo.Bench, never asserted in a test.</summary>
public sealed class SpecLoaderLargeFileTests
{
    /// <summary>20,000 containers with static addresses: every planted problem is still found, at the right place.</summary>
    [Fact]
    public void A_very_large_file_reports_every_error()
    {
        const int count = 20_000;
        var sb = new StringBuilder("version: 1\nname: big\nnetworks:\n  lan:\n    subnet: 10.0.0.0/16\ncontainers:\n");
        for (var i = 0; i < count; i++)
        {
            var ip = i == 19_999 ? "10.0.0.10" : $"10.0.{(i + 10) / 256}.{(i + 10) % 256}";
            sb.Append($"  c{i}:\n    networks:\n      lan: {{ipv4: {ip}}}\n    ports: [\"{10_000 + i}:80\"]\n");
        }
        sb.Append("  extra:\n    networks: [lam]\n    ports: [\"10000:80\"]\n");

        var result = SpecLoader.Parse(sb.ToString(), "big.yaml");

        Assert.Equal(
        [
            "big.yaml:80005:19: error: ipv4 10.0.0.10 on network 'lan' is already given to container 'c0' (line 9)",
            "big.yaml:80008:16: error: network 'lam' is not declared; did you mean 'lan'?",
            "big.yaml:80009:13: error: host port 10000/tcp on 0.0.0.0 collides with 0.0.0.0:10000/tcp published by container 'c0' (line 10)",
        ], result.Diagnostics.Select(d => d.ToString()));
    }
}
