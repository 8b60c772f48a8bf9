using Topo.Core.Errors;
using Topo.Cli.Commands.Watch;
using Topo.Cli.Linux;

namespace Topo.Scenarios.Watch;

/// <summary>What a watcher leaves for `topo status`, and the one-watcher-per-project lock.</summary>
public sealed class StatusStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(AppContext.BaseDirectory, "status", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void A_status_reads_back_as_written_with_the_topology_in_force_beside_it()
    {
        var store = new StatusStore(_dir, LinuxRunFiles.Instance);
        var status = new WatchStatus(
            1234, "/etc/topo/shop.yaml", "shop", new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero), Running: true,
            Reconciles: 7, DriftRepairs: 2, Failures: 1,
            new ReconcileRecord(new DateTimeOffset(2026, 11, 28, 10, 5, 0, TimeSpan.Zero), "kernel: link veth1 deleted (host)", "repaired", "2 added", 12.5),
            "No changes. The host matches the topology.");

        store.Write(status, "name: shop\n");

        Assert.Equal(status, Assert.Single(store.List()));
        Assert.Equal("name: shop\n", File.ReadAllText(store.TopologyPath("shop")));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp")); // written beside, then renamed over
    }

    [Fact]
    public void Status_files_are_never_written_through_a_planted_link()
    {
        var store = new StatusStore(_dir, LinuxRunFiles.Instance);
        Directory.CreateDirectory(_dir);
        var victim = Path.Combine(_dir, "..", $"victim-{Guid.NewGuid():N}");
        File.WriteAllText(victim, "precious");
        try
        {
            // The old fixed temporary name, and the final name itself.
            File.CreateSymbolicLink(store.StatusPath("shop") + ".tmp", victim);
            File.CreateSymbolicLink(store.TopologyPath("shop"), victim);
            var status = new WatchStatus(1, "/etc/topo/shop.yaml", "shop", DateTimeOffset.UnixEpoch, Running: true, 0, 0, 0, null, null);

            store.Write(status, "name: shop\n");

            Assert.Equal("precious", File.ReadAllText(victim));
            Assert.Null(new FileInfo(store.TopologyPath("shop")).LinkTarget); // the link was replaced, not written through
            Assert.Equal("name: shop\n", File.ReadAllText(store.TopologyPath("shop")));
        }
        finally
        {
            File.Delete(victim);
        }
    }

    [Fact]
    public void A_lock_that_is_a_planted_link_is_refused_and_its_target_never_made()
    {
        var store = new StatusStore(_dir, LinuxRunFiles.Instance);
        Directory.CreateDirectory(_dir);
        var target = Path.Combine(_dir, "made-by-the-link");
        File.CreateSymbolicLink(store.LockPath("shop"), target);

        var e = Assert.Throws<IOException>(() => store.Claim("shop"));

        Assert.Contains("is a symbolic link", e.Message);
        Assert.False(File.Exists(target));
    }

    [Fact]
    public void A_second_claim_of_the_same_project_is_refused_until_the_first_is_released()
    {
        var store = new StatusStore(_dir, LinuxRunFiles.Instance);
        using (store.Claim("shop"))
        {
            var refused = Assert.Throws<WatcherBusyException>(() => store.Claim("shop"));
            Assert.Equal(ErrorCategory.Busy, refused.Category);
            Assert.Contains("already watched", refused.Message);
            using var other = store.Claim("other"); // another project is fine
        }
        using var again = store.Claim("shop");
    }

    [Fact]
    public void A_project_is_claimed_exactly_while_its_watcher_holds_the_lock()
    {
        var store = new StatusStore(_dir, LinuxRunFiles.Instance);
        Assert.False(store.IsClaimed("shop")); // never watched
        using (store.Claim("shop"))
        {
            Assert.True(store.IsClaimed("shop"));
        }
        Assert.False(store.IsClaimed("shop")); // the lock died with its holder; the file stays
    }

    [Fact]
    public void A_file_that_is_not_a_status_is_ignored()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "junk.json"), "{\"format\": \"something-else\", \"version\": 1}");
        File.WriteAllText(Path.Combine(_dir, "broken.json"), "{");
        Assert.Empty(new StatusStore(_dir, LinuxRunFiles.Instance).List());
    }
}
