using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Topo.Cli;
using Topo.Cli.Commands.Watch;
using Topo.Core.Model;
using Topo.Scenarios.Support;

namespace Topo.Scenarios.Watch;

/// <summary>
/// What a watcher's round reads again: the namespaces the kernel reported a change in (and the
/// host, always); every namespace at the start, after lost notifications, and once more after it
/// began to follow them. A namespace whose change went unread would be drift left in place.
/// </summary>
public sealed class ReconcilerReadsTests
{
    private const string Spec = "version: 1\nname: shop\nnetworks:\n  back: {subnet: 10.20.0.0/24}\ncontainers:\n  web: {networks: [back]}\n  db: {networks: [back]}\n";

    [Fact]
    public async Task A_round_reads_again_only_the_namespaces_the_kernel_reported_a_change_in()
    {
        var host = new MemoryHost(HostState.Empty);
        var feed = new ScriptedFeed();
        using var watcher = new ReconcilerHarness(Spec, host, feed, NullLoggerFactory.Instance);
        using var forwarder = new KernelChangeForwarder(feed, watcher.Queue);
        var ct = TestContext.Current.CancellationToken;
        await forwarder.StartAsync(ct);
        await watcher.StartAsync(ct);

        // The first round made both containers: read whole, then verified.
        Assert.Null((await Observations(host, 2))[0]);

        // The first round after the feed began to follow them reads them once more.
        feed.Send(new FeedChange("link eth0 added or changed (namespace web)", "web"));
        var second = (await Observations(host, 3))[2]!;
        Assert.False(second("web"));
        Assert.False(second("db"));

        feed.Send(new FeedChange("address 10.20.0.2/24 on eth0 deleted (namespace web)", "web"));
        var third = (await Observations(host, 4))[3]!;
        Assert.False(third("web"));
        Assert.True(third("db"));
        Assert.False(third("cache")); // not followed: nothing would report its changes

        feed.Send(new FeedChange("link vethb7bcc4d deleted (host)", "") { HostLink = "vethb7bcc4d" });
        var fourth = (await Observations(host, 5))[4]!;
        Assert.True(fourth("web"));
        Assert.True(fourth("db"));
        // Of the host's links, the one named is read again; the others keep their reading.
        Assert.Equal(["vethb7bcc4d"], HostLinksAsked(host, 4));
        Assert.Equal([], HostLinksAsked(host, 3)); // a change in a namespace names no host link

        feed.Send(new FeedChange("overflow: events lost, full resync", null));
        Assert.Null((await Observations(host, 6))[5]);

        // Another apply held the lock meanwhile: what it changed is not in this burst.
        host.LockNotice = "waiting for the apply lock (held by pid 4242)";
        feed.Send(new FeedChange("address 10.20.0.2/24 on eth0 added (namespace web)", "web"));
        Assert.Null((await Observations(host, 7))[6]); // read whole

        await watcher.Reconciler.StopAsync(ct);
        await forwarder.StopAsync(ct);
    }

    /// <summary>The host links observation <paramref name="index"/> was told to read again (the others kept).</summary>
    private static string[] HostLinksAsked(MemoryHost host, int index)
    {
        lock (host.UnchangedAsked) return [.. host.UnchangedAsked[index]!.HostLinksToRead!.Order(StringComparer.Ordinal)];
    }

    /// <summary>The host's observations once there are <paramref name="count"/> of them.</summary>
    private static async Task<List<Func<string, bool>?>> Observations(MemoryHost host, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            lock (host.UnchangedAsked)
            {
                if (host.UnchangedAsked.Count >= count)
                {
                    Assert.Equal(count, host.UnchangedAsked.Count);
                    return [.. host.UnchangedAsked.Select(k => k?.Namespaces)];
                }
            }
            Assert.True(DateTime.UtcNow < deadline, $"no observation #{count} within 30 s");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Changes sent by the test; follows every name it is given.</summary>
    private sealed class ScriptedFeed : IChangeFeed
    {
        private readonly Channel<FeedChange> _changes = Channel.CreateUnbounded<FeedChange>();

        public void Send(FeedChange change) => _changes.Writer.TryWrite(change);

        public IAsyncEnumerable<FeedChange> ReadAllAsync(CancellationToken cancellationToken) => _changes.Reader.ReadAllAsync(cancellationToken);

        public IReadOnlySet<string> Follow(IReadOnlyCollection<string> namespaces) => namespaces.ToHashSet();

        public void Dispose() { }
    }
}
