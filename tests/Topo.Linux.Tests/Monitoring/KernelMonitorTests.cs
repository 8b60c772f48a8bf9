using Topo.Linux.Monitoring;
using Topo.Linux.Namespaces;
using SandboxHost = Topo.Linux.Tests.Sandbox.Sandbox;

namespace Topo.Linux.Tests.Monitoring;

/// <summary>
/// The monitor against the kernel, in a sandbox host with namespace "web" holding eth0 of a veth
/// (veth-web in the host), 172.18.0.2/16 on eth0 and a route to 10.9.0.0/24. Changes are made
/// with iproute2 and nft; absence is shown by a later marker change on the same socket (the
/// kernel queues a socket's notifications in the order the changes happened), never by sleeping.
/// </summary>
public sealed class KernelMonitorTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private sealed class World : IDisposable
    {
        public World(KernelMonitorOptions? options = null, bool watchWeb = true)
        {
            SandboxHost.SkipUnlessRoot();
            Sandbox = SandboxHost.Create();
            try
            {
                using (Sandbox.Store.Create("web")) { }
                SandboxHost.Ip(Host, $"link add veth-web type veth peer name eth0 netns {Sandbox.Store.PathOf("web")}");
                Sandbox.IpIn("web", "link set eth0 up");
                Sandbox.IpIn("web", "addr add 172.18.0.2/16 dev eth0");
                Sandbox.IpIn("web", "route add 10.9.0.0/24 via 172.18.0.1 dev eth0");
                Monitor = new KernelMonitor(Sandbox.Thread, Sandbox.Host, options);
                if (watchWeb) Watch("web");
                Monitor.Drain(); // what the setup did is not what the tests look for
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        public SandboxHost Sandbox { get; }
        public KernelMonitor Monitor { get; } = null!;
        public NetNamespace Host => Sandbox.Host;
        public List<KernelChange> Seen { get; } = [];
        private readonly List<NetNamespace> _handles = [];

        public IReadOnlySet<string> Watch(params string[] names)
        {
            var map = new Dictionary<string, NetNamespace>();
            foreach (var name in names)
            {
                var handle = Sandbox.Store.Open(name);
                _handles.Add(handle);
                map[name] = handle;
            }
            return Monitor.Watch(map);
        }

        public void Nft(string args) => SandboxHost.Run("nsenter", $"--net={Host.Path} nft {args}");

        /// <summary>Reads changes until one matches; fails, listing what came, if none does in time.</summary>
        public async Task<KernelChange> WaitFor(Func<KernelChange, bool> match, string what)
        {
            using var cts = new CancellationTokenSource(Timeout);
            try
            {
                while (true)
                {
                    var change = await Monitor.Changes.ReadAsync(cts.Token);
                    Seen.Add(change);
                    if (match(change)) return change;
                }
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"no {what} within {Timeout.TotalSeconds} s; saw: {string.Join("; ", Seen)}");
                throw;
            }
        }

        public void Dispose()
        {
            Monitor?.Dispose();
            foreach (var h in _handles) h.Dispose();
            Sandbox.Dispose();
        }
    }

    [Fact]
    public async Task Deleting_the_host_veth_reports_both_ends()
    {
        using var world = new World();
        SandboxHost.Ip(world.Host, "link del veth-web");
        var host = await world.WaitFor(c => c is { Kind: KernelChangeKind.Link, Action: KernelChangeAction.Deleted, IsHost: true }, "host link deletion");
        Assert.Equal("link veth-web deleted (host)", host.ToString());
        // the peer goes with it, reported from inside the namespace
        var peer = await world.WaitFor(c => c is { Kind: KernelChangeKind.Link, Action: KernelChangeAction.Deleted, IsHost: false }, "peer deletion");
        Assert.Equal("link eth0 deleted (namespace web)", peer.ToString());
    }

    [Fact]
    public async Task Deleting_an_address_in_a_watched_namespace_names_the_namespace()
    {
        using var world = new World();
        world.Sandbox.IpIn("web", "addr del 172.18.0.2/16 dev eth0");
        var change = await world.WaitFor(c => c.Kind == KernelChangeKind.Address, "address change");
        Assert.Equal(new KernelChange(KernelChangeKind.Address, KernelChangeAction.Deleted, "web", "172.18.0.2/16 on eth0"), change);
    }

    [Fact]
    public async Task Deleting_a_route_in_a_watched_namespace_is_reported()
    {
        using var world = new World();
        world.Sandbox.IpIn("web", "route del 10.9.0.0/24");
        var change = await world.WaitFor(c => c.Kind == KernelChangeKind.Route, "route change");
        Assert.Equal("route 10.9.0.0/24 deleted (namespace web)", change.ToString());
    }

    [Fact]
    public async Task A_namespace_not_passed_to_Watch_reports_nothing()
    {
        using var world = new World();
        // "other" has a veth into the host, so the kernel already gave it an nsid there
        using (world.Sandbox.Store.Create("other")) { }
        SandboxHost.Ip(world.Host, $"link add veth-other type veth peer name eth0 netns {world.Sandbox.Store.PathOf("other")}");
        world.Sandbox.IpIn("other", "addr add 10.99.0.2/24 dev eth0");
        Assert.Contains("nsid", SandboxHost.Ip(world.Host, "netns list-id"));
        world.Monitor.Drain();

        world.Sandbox.IpIn("other", "addr del 10.99.0.2/24 dev eth0");
        world.Sandbox.IpIn("web", "addr del 172.18.0.2/16 dev eth0"); // marker: queued after the one above
        await world.WaitFor(c => c is { Kind: KernelChangeKind.Address, Namespace: "web" }, "marker address change in web");
        Assert.DoesNotContain(world.Seen, c => c.Object.Contains("10.99.") || c.Namespace == "other");

        // once watched, the same kind of change is reported
        world.Watch("web", "other");
        world.Sandbox.IpIn("other", "addr add 10.99.0.3/24 dev eth0");
        Assert.Equal("10.99.0.3/24 on eth0",
            (await world.WaitFor(c => c is { Kind: KernelChangeKind.Address, Namespace: "other" }, "address change in other")).Object);
    }

    [Fact]
    public async Task Watch_gives_an_nsid_to_a_namespace_that_has_none()
    {
        using var world = new World();
        using (world.Sandbox.Store.Create("lonely")) { } // no veth: nothing made the kernel number it
        using var lonely = world.Sandbox.Store.Open("lonely");
        var before = SandboxHost.Ip(world.Host, "netns list-id");
        world.Watch("web", "lonely");
        Assert.Contains("lonely", world.Monitor.NamespaceIds.Values);
        Assert.Contains("web", world.Monitor.NamespaceIds.Values);
        var after = SandboxHost.Ip(world.Host, "netns list-id");
        Assert.True(after.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length == before.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length + 1,
            $"expected one more nsid; before: {before}; after: {after}");

        world.Sandbox.IpIn("lonely", "addr add 10.5.0.1/32 dev lo");
        var change = await world.WaitFor(c => c.Kind == KernelChangeKind.Address, "address change in lonely");
        Assert.Equal("address 10.5.0.1/32 on lo added (namespace lonely)", change.ToString());

        // watching again with the same set keeps the same ids (nothing new assigned)
        var ids = world.Monitor.NamespaceIds.ToDictionary();
        world.Watch("web", "lonely");
        Assert.Equal(ids, world.Monitor.NamespaceIds.ToDictionary());
    }

    [Fact]
    public void Watch_names_those_whose_changes_come_under_them_one_name_a_namespace_never_the_hosts()
    {
        // The watcher reuses its last reading of a namespace the kernel reported nothing for: a
        // name whose changes come under another name, or as the host's, must not count as followed.
        using var world = new World();
        var alias = world.Sandbox.Store.PathOf("alias");
        var self = world.Sandbox.Store.PathOf("self");
        File.WriteAllText(alias, "");
        File.WriteAllText(self, "");
        SandboxHost.Run("mount", $"--bind {world.Sandbox.Store.PathOf("web")} {alias}");
        try
        {
            SandboxHost.Run("mount", $"--bind {world.Host.Path} {self}");
            try
            {
                var reported = world.Watch("web", "alias", "self");

                Assert.DoesNotContain("self", reported);
                Assert.Single(reported);
                Assert.Contains(reported.Single(), new[] { "web", "alias" });
            }
            finally
            {
                SandboxHost.Run("umount", $"-l {self}"); // lazily: the monitor's handles are open until the world goes
            }
        }
        finally
        {
            SandboxHost.Run("umount", $"-l {alias}");
            File.Delete(alias);
            File.Delete(self);
        }
    }

    [Fact]
    public async Task Nftables_tables_with_the_prefix_are_reported_others_not()
    {
        using var world = new World();
        world.Nft("add table inet topo-x");
        var added = await world.WaitFor(c => c.Kind == KernelChangeKind.Firewall, "table added");
        Assert.Equal(new KernelChange(KernelChangeKind.Firewall, KernelChangeAction.New, "", "topo-x"), added);

        // Another table, and its sets, are not reported; its chains and rules are (another
        // firewall's forward chain may drop topo's traffic: KernelMonitorOptions.ForeignChainsAndRules).
        world.Nft("add table inet other");
        world.Nft("add set inet other s { type ipv4_addr; }");
        world.Nft("delete table inet topo-x"); // marker on the same socket
        var deleted = await world.WaitFor(c => c.Kind == KernelChangeKind.Firewall, "table deleted");
        Assert.Equal("nftables table topo-x deleted", deleted.ToString());
        Assert.DoesNotContain(world.Seen, c => c.Object == "other");
        world.Nft("add chain inet other c");
        await world.WaitFor(c => c is { Kind: KernelChangeKind.Firewall, Object: "other" }, "chain of another table");

        world.Nft("add table ip topo-y");
        world.Nft("add chain ip topo-y c");
        await world.WaitFor(c => c is { Kind: KernelChangeKind.Firewall, Action: KernelChangeAction.Changed, Object: "topo-y" }, "chain added");
        world.Nft("flush ruleset"); // takes our table with it
        await world.WaitFor(c => c is { Kind: KernelChangeKind.Firewall, Action: KernelChangeAction.Deleted, Object: "topo-y" }, "table deleted by flush ruleset");
    }

    [Fact]
    public async Task A_burst_into_a_tiny_receive_buffer_is_reported_as_overflow()
    {
        using var world = new World(new KernelMonitorOptions { ReceiveBufferBytes = 1 });
        Assert.True(world.Monitor.RouteReceiveBufferBytes < 16 << 10, $"receive buffer {world.Monitor.RouteReceiveBufferBytes}");
        Burst(world);
        await world.WaitFor(c => c.Kind == KernelChangeKind.Overflow, "overflow");
        // The socket goes on working after ENOBUFS. One notification into an emptied queue: with a
        // buffer this small, a change that makes several (deleting a veth) can overflow it again.
        world.Monitor.Drain();
        SandboxHost.Ip(world.Host, "link set veth-web mtu 1400");
        var next = await world.WaitFor(_ => true, "a link change after the overflow");
        Assert.Equal("link veth-web added or changed (host)", next.ToString());

        static void Burst(World world)
        {
            // The reader is held off while the burst lands, so the queue overflows whatever the scheduler does.
            using var pause = world.Monitor.PauseReader();
            AddAddresses(world, 40);
        }
    }

    [Fact]
    public async Task Changes_lost_to_a_full_channel_are_owed_as_an_overflow()
    {
        using var world = new World(new KernelMonitorOptions { ChannelCapacity = 2 });
        AddAddresses(world, 10); // nobody reads meanwhile: the channel holds two, the rest is lost
        var deadline = DateTime.UtcNow + Timeout;
        while (world.Monitor.DroppedChanges == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "no change was dropped");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
        // Once there is room, the reader says that something was lost: the watcher then reads everything.
        await world.WaitFor(c => c.Kind == KernelChangeKind.Overflow, "an overflow for the lost changes");
    }

    [Fact]
    public async Task Drain_discards_what_is_queued_in_the_kernel_and_in_the_channel()
    {
        using var world = new World();

        // queued in the kernel socket: the reader is held off, and Drain (same thread) takes the lock again
        var inKernel = DrainWhilePaused(world);
        Assert.True(inKernel >= 10, $"drained {inKernel}"); // 10 addresses, plus their local routes

        // published to the channel (and maybe partly still in the kernel): all gone after Drain
        AddAddresses(world, 5, first: 50);
        await world.WaitFor(c => c.Kind == KernelChangeKind.Address, "first of the second batch");
        var rest = world.Monitor.Drain();
        Assert.True(rest >= 4, $"drained {rest}");

        world.Sandbox.IpIn("web", "addr del 172.18.0.2/16 dev eth0");
        var next = await world.WaitFor(_ => true, "the change after Drain");
        Assert.Equal(new KernelChange(KernelChangeKind.Address, KernelChangeAction.Deleted, "web", "172.18.0.2/16 on eth0"), next);

        static int DrainWhilePaused(World world)
        {
            using var pause = world.Monitor.PauseReader();
            AddAddresses(world, 10);
            return world.Monitor.Drain();
        }
    }

    [Fact]
    public async Task Dispose_closes_everything_and_completes_the_channel()
    {
        SandboxHost.SkipUnlessRoot();
        using var sandbox = SandboxHost.Create();
        var before = OpenDescriptors();
        var monitor = new KernelMonitor(sandbox.Thread, sandbox.Host);
        monitor.Watch(new Dictionary<string, NetNamespace>());
        Assert.Equal(before + 4, OpenDescriptors()); // two multicast sockets, the request socket, the eventfd
        monitor.Dispose();
        monitor.Dispose();
        Assert.Equal(before, OpenDescriptors());
        using var cts = new CancellationTokenSource(Timeout);
        await monitor.Changes.Completion.WaitAsync(cts.Token);
        Assert.Throws<ObjectDisposedException>(() => monitor.Drain());
    }

    private static int OpenDescriptors() => Directory.GetFiles("/proc/self/fd").Count(f =>
    {
        var target = new FileInfo(f).LinkTarget ?? "";
        return target.StartsWith("socket:", StringComparison.Ordinal) || target.Contains("eventfd", StringComparison.Ordinal);
    });

    private static void AddAddresses(World world, int count, int first = 1)
    {
        var script = Path.Combine(world.Sandbox.Root, $"burst-{first}.ip");
        File.WriteAllLines(script, Enumerable.Range(first, count).Select(i => $"addr add 10.77.{i}.1/32 dev lo"));
        SandboxHost.Ip(world.Host, $"-batch {script}");
    }
}
