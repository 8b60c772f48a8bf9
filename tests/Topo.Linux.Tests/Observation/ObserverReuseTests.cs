using Topo.Core.Host;
using Topo.Core.Model;
using Topo.Linux.Observation;
using SandboxHost = Topo.Linux.Tests.Sandbox.Sandbox;

namespace Topo.Linux.Tests.Observation;

/// <summary>Verifying an apply re-reads only what it reached: the rest is the reading of moments before.</summary>
public sealed class ObserverReuseTests
{
    private static string[] AddressesIn(HostState state, string ns) =>
        [.. state.Addresses.Where(a => a.Namespace == ns).Select(a => a.Address.ToString()).Order(StringComparer.Ordinal)];

    private static void Container(SandboxHost sandbox, string name, string address, string? veth = null)
    {
        veth ??= $"veth-{name}";
        using (sandbox.Store.Create(name)) { }
        sandbox.IpIn(name, $"link set lo alias topo:demo:container:{name} up");
        SandboxHost.Ip(sandbox.Host, $"link add {veth} type veth peer name eth0 netns {sandbox.Store.PathOf(name)}");
        sandbox.IpIn(name, $"link set eth0 alias topo:demo:endpoint:{name}.lan up");
        sandbox.IpIn(name, $"addr add {address} dev eth0");
    }

    [Fact]
    public void Namespaces_said_unchanged_are_not_read_again_and_the_others_are()
    {
        SandboxHost.SkipUnlessRoot();
        using var sandbox = SandboxHost.Create();
        Container(sandbox, "a", "10.8.0.2/24");
        Container(sandbox, "b", "10.8.0.3/24");
        using var observer = new Observer(sandbox.Store, sandbox.Host);
        observer.Observe();

        sandbox.IpIn("a", "addr add 10.8.0.12/24 dev eth0");
        sandbox.IpIn("b", "addr add 10.8.0.13/24 dev eth0");
        var state = observer.Observe(known: new KnownUnchanged { Namespaces = ns => ns == "a" });

        Assert.Equal(["10.8.0.2/24"], AddressesIn(state, "a")); // the earlier reading
        Assert.Equal(["10.8.0.13/24", "10.8.0.3/24"], AddressesIn(state, "b"));
        // The host end still finds its peer in the namespace that was not read again.
        Assert.Equal(new LinkRef("a", "eth0"), state.FindLink(new LinkRef("", "veth-a"))!.Peer);

        var full = observer.Observe();
        Assert.Equal(["10.8.0.12/24", "10.8.0.2/24"], AddressesIn(full, "a"));
    }

    [Fact]
    public void A_name_that_now_leads_to_another_namespace_is_read_even_if_said_unchanged()
    {
        SandboxHost.SkipUnlessRoot();
        using var sandbox = SandboxHost.Create();
        Container(sandbox, "a", "10.8.0.2/24");
        using var observer = new Observer(sandbox.Store, sandbox.Host);
        observer.Observe();

        sandbox.Store.Delete("a"); // the observer's socket keeps the old namespace (and its veth) alive
        Container(sandbox, "a", "10.8.0.22/24", veth: "veth-a2");
        var state = observer.Observe(known: new KnownUnchanged { Namespaces = _ => true });

        Assert.Equal(["10.8.0.22/24"], AddressesIn(state, "a"));
    }

    [Fact]
    public void Host_links_not_named_keep_their_last_reading_and_the_named_ones_are_read_again()
    {
        SandboxHost.SkipUnlessRoot();
        using var sandbox = SandboxHost.Create();
        Container(sandbox, "a", "10.8.0.2/24");
        SandboxHost.Ip(sandbox.Host, "link add kept type bridge");
        SandboxHost.Ip(sandbox.Host, "link add changed type bridge");
        SandboxHost.Ip(sandbox.Host, "link add gone type bridge");
        using var observer = new Observer(sandbox.Store, sandbox.Host);
        observer.Observe();

        SandboxHost.Ip(sandbox.Host, "link set kept mtu 1400");
        SandboxHost.Ip(sandbox.Host, "link set changed mtu 1300");
        SandboxHost.Ip(sandbox.Host, "link del gone");
        SandboxHost.Ip(sandbox.Host, "link add made type bridge");
        SandboxHost.Ip(sandbox.Host, "link set veth-a master made");
        SandboxHost.Ip(sandbox.Host, "addr add 10.9.0.1/24 dev kept");
        var state = observer.Observe(known: new KnownUnchanged { HostLinksToRead = new HashSet<string> { "changed", "gone", "made", "veth-a" } });

        LinkState? Host(string name) => state.FindLink(new LinkRef(HostState.Host, name));
        Assert.Equal(1500, Host("kept")!.Mtu);     // the earlier reading
        Assert.Equal(1300, Host("changed")!.Mtu);
        Assert.Null(Host("gone"));
        Assert.NotNull(Host("made"));
        Assert.Equal("made", Host("veth-a")!.Master);
        Assert.Equal(new LinkRef("a", "eth0"), Host("veth-a")!.Peer);
        // Addresses are dumped whole, whichever links are named.
        Assert.Contains(state.Addresses, a => a is { Namespace: HostState.Host, Link: "kept" } && a.Address.ToString() == "10.9.0.1/24");

        var full = observer.Observe();
        Assert.Equal(1400, full.FindLink(new LinkRef(HostState.Host, "kept"))!.Mtu);
    }

    [Fact]
    public void An_address_on_a_host_link_not_read_again_makes_the_host_links_dumped_whole()
    {
        SandboxHost.SkipUnlessRoot();
        using var sandbox = SandboxHost.Create();
        using var observer = new Observer(sandbox.Store, sandbox.Host);
        observer.Observe();

        SandboxHost.Ip(sandbox.Host, "link add late type bridge");
        SandboxHost.Ip(sandbox.Host, "addr add 10.9.0.1/24 dev late");
        var state = observer.Observe(known: new KnownUnchanged { HostLinksToRead = new HashSet<string>() });

        Assert.NotNull(state.FindLink(new LinkRef(HostState.Host, "late")));
        Assert.Contains(state.Addresses, a => a is { Namespace: HostState.Host, Link: "late" });
    }

    [Fact]
    public void Two_names_of_one_host_link_read_it_once()
    {
        SandboxHost.SkipUnlessRoot();
        using var sandbox = SandboxHost.Create();
        SandboxHost.Ip(sandbox.Host, "link add br-one type bridge");
        using var observer = new Observer(sandbox.Store, sandbox.Host);
        observer.Observe();

        SandboxHost.Ip(sandbox.Host, "link property add dev br-one altname br-other");
        SandboxHost.Ip(sandbox.Host, "link set br-one mtu 1400");
        var state = observer.Observe(known: new KnownUnchanged { HostLinksToRead = new HashSet<string> { "br-one", "br-other" } });

        var link = Assert.Single(state.Links, l => l.Namespace == HostState.Host && l.Type == LinkKind.Bridge);
        Assert.Equal(("br-one", 1400), (link.Name, link.Mtu));
    }
}
