using Topo.Linux.Tests.Sandbox;

namespace Topo.Linux.Tests.Namespaces;

public sealed class NamespaceStoreTests
{
    [Fact]
    public void Work_nested_on_the_namespace_thread_returns_to_the_namespace_it_came_from()
    {
        Sandbox.Sandbox.SkipUnlessRoot();
        using var sandbox = Sandbox.Sandbox.Create();
        using var web = sandbox.Store.Create("web");
        var thread = sandbox.Store.Thread;
        var (inner, after) = thread.Run(sandbox.Host, () =>
        {
            var inside = thread.Run(web, () => NetNamespaceIs(web));
            return (inside, NetNamespaceIs(sandbox.Host));
        });
        Assert.True(inner);
        Assert.True(after); // before: the outer work went on inside web
    }

    private static bool NetNamespaceIs(Topo.Linux.Namespaces.NetNamespace ns)
    {
        using var current = Topo.Linux.Namespaces.NetNamespace.OfCurrentThread();
        return current.SameAs(ns);
    }

    [Fact]
    public void Create_bind_open_delete_round_trip()
    {
        Sandbox.Sandbox.SkipUnlessRoot();
        using var sandbox = Sandbox.Sandbox.Create();
        var store = sandbox.Store;

        using (var created = store.Create("web"))
        using (var shared = store.Bind("web-alias", "web"))
        using (var opened = store.Open("web"))
        {
            Assert.True(created.SameAs(opened));
            Assert.True(created.SameAs(shared));
            Assert.False(created.SameAs(sandbox.Host));
        }
        Assert.Equal(["web", "web-alias"], store.List());
        Assert.True(Directory.Exists(Path.Combine(sandbox.Root, "etc", "web")));
        Assert.True(Directory.Exists(Path.Combine(sandbox.Root, "etc", "web-alias")));

        // real tools see it: nsenter on the bind mount, a fresh namespace has only lo
        var links = sandbox.IpIn("web", "-j link show");
        Assert.Contains("\"lo\"", links);
        Assert.DoesNotContain("uplink0", links);
        var mountinfo = File.ReadAllText("/proc/self/mountinfo");
        Assert.Contains(store.PathOf("web"), mountinfo);

        // the directory is a shared mount, like /run/netns under iproute2
        var dirLine = File.ReadLines("/proc/self/mountinfo").First(l => l.Split(' ')[4] == store.Options.NetnsDirectory);
        Assert.Contains("shared:", dirLine);

        store.Delete("web-alias");
        store.Delete("web");
        Assert.Empty(store.List());
        Assert.False(Directory.Exists(Path.Combine(sandbox.Root, "etc", "web")));
        mountinfo = File.ReadAllText("/proc/self/mountinfo");
        Assert.DoesNotContain(store.PathOf("web") + " ", mountinfo);
    }

    [Fact]
    public void Creating_an_existing_name_fails_clearly()
    {
        Sandbox.Sandbox.SkipUnlessRoot();
        using var sandbox = Sandbox.Sandbox.Create();
        using var ns = sandbox.Store.Create("db");
        var e = Assert.Throws<IOException>(() => sandbox.Store.Create("db"));
        Assert.Contains("already exists", e.Message);
    }

    [Fact]
    public void Namespace_thread_runs_work_inside_the_namespace()
    {
        Sandbox.Sandbox.SkipUnlessRoot();
        using var sandbox = Sandbox.Sandbox.Create();
        using var ns = sandbox.Store.Create("probe");
        var inode = sandbox.Thread.Run(ns, () => new FileInfo("/proc/thread-self/ns/net").LinkTarget);
        var expected = new FileInfo($"/proc/{Environment.ProcessId}/fd/{ns.Fd}").LinkTarget;
        Assert.Equal(expected, inode);
        // /proc/sys/net follows the thread's namespace
        sandbox.Thread.Run(ns, () => File.WriteAllText("/proc/sys/net/ipv4/ip_forward", "1"));
        Assert.Equal("1", sandbox.Thread.Run(ns, () => File.ReadAllText("/proc/sys/net/ipv4/ip_forward").Trim()));
        Assert.Equal("0", sandbox.Thread.Run(sandbox.Host, () => File.ReadAllText("/proc/sys/net/ipv4/ip_forward").Trim()));
    }
}
