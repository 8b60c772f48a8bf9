using Topo.Cli.Linux;
using Topo.Linux.Monitoring;

namespace Topo.Scenarios.Watch;

/// <summary>Where the watcher is told a kernel change was: what its next round reads again.</summary>
public sealed class ChangeFeedTests
{
    [Fact]
    public void A_host_link_is_named_one_without_a_name_means_anything_and_the_rest_say_where()
    {
        var named = LinuxChangeFeed.ToFeed(new KernelChange(KernelChangeKind.Link, KernelChangeAction.Deleted, "", "veth1") { LinkName = "veth1" });
        Assert.Equal(("", "veth1"), (named.Namespace, named.HostLink));

        var unnamed = LinuxChangeFeed.ToFeed(new KernelChange(KernelChangeKind.Link, KernelChangeAction.New, "", "ifindex 7"));
        Assert.Null(unnamed.Namespace); // read everything, as after lost notifications

        var inside = LinuxChangeFeed.ToFeed(new KernelChange(KernelChangeKind.Link, KernelChangeAction.New, "web", "eth0") { LinkName = "eth0" });
        Assert.Equal(("web", null), (inside.Namespace, inside.HostLink));

        var address = LinuxChangeFeed.ToFeed(new KernelChange(KernelChangeKind.Address, KernelChangeAction.New, "", "10.0.0.1/24 on br0"));
        Assert.Equal(("", null), (address.Namespace, address.HostLink)); // the host's addresses are read every round

        Assert.Null(LinuxChangeFeed.ToFeed(KernelChange.Overflow).Namespace);
        Assert.Equal("", LinuxChangeFeed.ToFeed(new KernelChange(KernelChangeKind.Firewall, KernelChangeAction.Changed, "", "topo-shop")).Namespace);
    }
}
