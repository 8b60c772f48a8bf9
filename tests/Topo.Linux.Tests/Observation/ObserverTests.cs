using Topo.Core.Addressing;
using Topo.Core.Model;
using Topo.Linux.Observation;
using Topo.Linux.Tests.Sandbox;
using SandboxHost = Topo.Linux.Tests.Sandbox.Sandbox;

namespace Topo.Linux.Tests.Observation;

public sealed class ObserverTests
{
    [Fact]
    public void Observes_host_links_labelled_namespaces_peers_ports_and_sysctls()
    {
        SandboxHost.SkipUnlessRoot();
        using var sandbox = SandboxHost.Create(withOutside: true);
        var host = sandbox.Host;
        // built with iproute2, read back with our netlink
        SandboxHost.Ip(host, "link add br-front type bridge");
        SandboxHost.Ip(host, "link set br-front alias topo:demo:network:front mtu 1400 up");
        SandboxHost.Ip(host, "link add foreign0 type bridge");
        SandboxHost.Ip(host, "addr add 10.7.0.1/24 dev br-front");
        using (sandbox.Store.Create("web")) { }
        using (sandbox.Store.Create("plain")) { }
        sandbox.Store.Bind("web-alias", "web").Dispose();
        sandbox.IpIn("web", "link set lo alias topo:demo:container:web up");
        SandboxHost.Ip(host, $"link add veth-web type veth peer name eth0 netns {sandbox.Store.PathOf("web")}");
        SandboxHost.Ip(host, "link set veth-web master br-front alias topo:demo:endpoint:web.front up");
        SandboxHost.Run("nsenter", $"--net={host.Path} bridge link set dev veth-web isolated on");
        sandbox.IpIn("web", "link set eth0 alias topo:demo:endpoint:web.front address 02:42:0a:07:00:02 up");
        sandbox.IpIn("web", "addr add 10.7.0.2/24 dev eth0");
        sandbox.IpIn("web", "route add default via 10.7.0.1 dev eth0");
        SandboxHost.Ip(host, $"link add mv-web link uplink0 netns {sandbox.Store.PathOf("web")} type macvlan mode bridge");
        sandbox.IpIn("web", "link set mv-web alias topo:demo:endpoint:web.lan");

        using var observer = new Observer(sandbox.Store, host);
        var state = observer.Observe(sysctls: ["net.ipv4.ip_forward"]);

        Assert.Equal(3, state.Namespaces.Length);
        Assert.Null(state.FindNamespace("plain")!.Owner); // no label: not topo's
        var web = state.FindNamespace("web")!;
        Assert.Equal("topo:demo:container:web", web.Owner?.ToString());
        Assert.Null(web.SharesWith);
        Assert.Equal("web", state.FindNamespace("web-alias")!.SharesWith);

        var bridge = state.FindLink(new LinkRef("", "br-front"))!;
        Assert.Equal(LinkKind.Bridge, bridge.Type);
        Assert.Equal(1400, bridge.Mtu);
        Assert.True(bridge.Up);
        Assert.Equal(new Label("demo", LabelRole.Network, "front"), bridge.Owner);

        var foreign = state.FindLink(new LinkRef("", "foreign0"))!;
        Assert.Null(foreign.Owner);
        Assert.Equal(LinkKind.Loopback, state.FindLink(new LinkRef("", "lo"))!.Type);

        var hostEnd = state.FindLink(new LinkRef("", "veth-web"))!;
        Assert.Equal(LinkKind.Veth, hostEnd.Type);
        Assert.Equal(new LinkRef("web", "eth0"), hostEnd.Peer);
        Assert.Equal("br-front", hostEnd.Master);
        Assert.True(hostEnd.Isolated);
        Assert.False(hostEnd.Hairpin);

        var eth0 = state.FindLink(new LinkRef("web", "eth0"))!;
        Assert.Equal(new LinkRef("", "veth-web"), eth0.Peer);
        Assert.Equal(MacAddress.Parse("02:42:0a:07:00:02"), eth0.Mac);
        Assert.Equal(Label.Endpoint("demo", "web", "front"), eth0.Owner);
        // A container's lo is read for its state; its addresses are the kernel's, never the model's.
        Assert.True(state.FindLink(new LinkRef("web", "lo"))!.Up);
        Assert.DoesNotContain(state.Addresses, a => a.Namespace == "web" && a.Link == "lo");
        Assert.Null(state.FindLink(new LinkRef("web-alias", "eth0"))); // a shared name is not read twice

        var macvlan = state.FindLink(new LinkRef("web", "mv-web"))!;
        Assert.Equal(LinkKind.Macvlan, macvlan.Type);
        Assert.Equal(new MacvlanDetails(MacvlanMode.Bridge), macvlan.Details);
        Assert.Equal(new LinkRef("", "uplink0"), macvlan.Parent);

        Assert.Contains(state.Addresses, a => a == new AddressState("", "br-front", Ipv4Prefix.Parse("10.7.0.1/24")) { Owner = bridge.Owner });
        Assert.Contains(state.Addresses, a => a == new AddressState("web", "eth0", Ipv4Prefix.Parse("10.7.0.2/24")) { Owner = eth0.Owner });
        var route = Assert.Single(state.Routes, r => r.Namespace == "web");
        Assert.True(route.IsDefault);
        Assert.Equal(Ipv4Address.Parse("10.7.0.1"), route.Gateway);
        Assert.Equal("eth0", route.Device);
        Assert.Equal(web.Owner, route.Owner);
        Assert.DoesNotContain(state.Routes, r => r.Namespace == "" && r.Destination == Ipv4Prefix.Parse("10.7.0.0/24")); // proto kernel

        var sysctl = Assert.Single(state.Sysctls);
        Assert.Equal(new SysctlState("", "net.ipv4.ip_forward", "0"), sysctl);

        // project filter: other projects' namespaces are listed, not read
        var other = observer.Observe(project: "someone-else");
        Assert.NotNull(other.FindNamespace("web"));
        Assert.Null(other.FindLink(new LinkRef("web", "eth0")));
    }
}

public sealed class ObserverRefreshTests
{
    [Fact]
    public void The_labelled_owner_is_the_original_name_even_when_mounted_after_another_name()
    {
        SandboxHost.SkipUnlessRoot();
        using var sandbox = SandboxHost.Create();
        // "shadow" is mounted first, then "web" points at the same namespace; the label says it is web's.
        using (sandbox.Store.Create("shadow")) { }
        sandbox.IpIn("shadow", "link set lo alias topo:demo:container:web up");
        sandbox.Store.Bind("web", "shadow").Dispose();
        sandbox.IpIn("web", "link add dummy-less type veth peer name eth0");

        using var observer = new Observer(sandbox.Store, sandbox.Host);
        var state = observer.Observe();

        Assert.Null(state.FindNamespace("web")!.SharesWith);
        Assert.Equal("web", state.FindNamespace("shadow")!.SharesWith);
        Assert.NotNull(state.FindLink(new LinkRef("web", "eth0")));
        Assert.Null(state.FindLink(new LinkRef("shadow", "eth0")));
    }

    [Fact]
    public void A_long_lived_observer_sees_a_namespace_replaced_behind_its_back()
    {
        SandboxHost.SkipUnlessRoot();
        using var sandbox = SandboxHost.Create();
        using var observer = new Observer(sandbox.Store, sandbox.Host);
        using (sandbox.Store.Create("web")) { }
        sandbox.IpIn("web", "link set lo alias topo:demo:container:web");
        sandbox.IpIn("web", "link add br-a alias topo:demo:network:a type bridge");
        Assert.NotNull(observer.Observe().FindLink(new LinkRef("web", "br-a")));

        sandbox.Store.Delete("web");
        Assert.Empty(observer.Observe().Namespaces);
        using (sandbox.Store.Create("web")) { }
        sandbox.IpIn("web", "link set lo alias topo:demo:container:web");
        var state = observer.Observe();
        Assert.NotNull(state.FindNamespace("web"));
        Assert.Null(state.FindLink(new LinkRef("web", "br-a")));
    }

    [Fact]
    public void A_plain_file_or_an_unlabelled_namespace_among_the_names_is_foreign_not_an_error()
    {
        SandboxHost.SkipUnlessRoot();
        using var sandbox = SandboxHost.Create();
        using (sandbox.Store.Create("web")) { }
        sandbox.IpIn("web", "link set lo alias topo:demo:container:web");
        using (sandbox.Store.Create("theirs")) { }
        sandbox.IpIn("theirs", "link add x0 type veth peer name x1");
        // What a crashed `ip netns add` or an unmount from another mount namespace leaves.
        File.WriteAllBytes(sandbox.Store.PathOf("stale"), []);
        using var observer = new Observer(sandbox.Store, sandbox.Host);
        var state = observer.Observe();
        Assert.Equal("topo:demo:container:web", state.FindNamespace("web")!.Owner?.ToString());
        // Listed without an owner (a plan wanting the name is refused), and not read.
        Assert.Null(state.FindNamespace("stale")!.Owner);
        Assert.Null(state.FindNamespace("theirs")!.Owner);
        Assert.DoesNotContain(state.Links, l => l.Namespace == "theirs");
    }
}
