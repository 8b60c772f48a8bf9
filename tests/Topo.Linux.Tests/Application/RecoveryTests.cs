using Topo.Linux.Application;
using SandboxHost = Topo.Linux.Tests.Sandbox.Sandbox;

namespace Topo.Linux.Tests.Application;

/// <summary>
/// Recovery from a dead apply's intent log (docs/crash-safety.md): under the lock, what the log
/// names and is still half-made goes; what only shares a name with a record — a namespace someone
/// made since, a link that carries its label — stays, and so does everything the log does not name.
/// </summary>
public sealed class RecoveryTests
{
    [Fact]
    public void Recovery_removes_what_a_dead_apply_half_made_and_nothing_else()
    {
        SandboxHost.SkipUnlessRoot();
        using var sandbox = SandboxHost.Create();
        var store = sandbox.Store;
        store.Create("half").Dispose();       // made by the dead apply, never labelled
        store.Create("remade").Dispose();     // the dead apply's name, but made by someone since
        File.WriteAllText(store.PathOf("unmounted"), ""); // a mount point it never mounted
        SandboxHost.Ip(sandbox.Host, "link add br-half type bridge");                      // created, never labelled
        SandboxHost.Ip(sandbox.Host, "link add br-done type bridge");
        SandboxHost.Ip(sandbox.Host, "link set br-done alias topo:demo:network:done");    // labelled before it died
        SandboxHost.Ip(sandbox.Host, "link add br-mine type bridge");                      // not in the log at all
        var gone = Directory.CreateDirectory(Path.Combine(store.Options.EtcDirectory, "gone")).FullName; // name half removed
        File.WriteAllText(Path.Combine(gone, "hosts"), "# topo:demo:container:gone\n");
        var temporary = Path.Combine(store.Options.EtcDirectory, "remade", ".hosts.topo-0123456789ab");
        File.WriteAllText(temporary, "half written");
        var (dev, ino) = store.Identity("half");
        var (_, otherIno) = store.Identity("remade");

        using var applier = new Applier(store, sandbox.Host);
        File.WriteAllText(applier.IntentLogPath, string.Join("\n",
            $"namespace\thalf\t{dev}\t{ino}",
            $"namespace\tremade\t{dev}\t{otherIno + 1}",
            $"namespace\tunmounted\t{dev}\t{otherIno + 2}",
            "link\t\tbr-half",
            "link\t\tbr-done",
            "unname\tgone",
            "file\tremade\t.hosts.topo-0123456789ab",
            "namespace\ttorn") + "\n"); // a torn line is not acted on
        using (applier.AcquireLock())
        {
        }

        Assert.Equal(["remade"], store.List());
        Assert.Null(SandboxHost.Link(sandbox.Host, "br-half"));
        Assert.NotNull(SandboxHost.Link(sandbox.Host, "br-done"));
        Assert.NotNull(SandboxHost.Link(sandbox.Host, "br-mine"));
        Assert.False(Directory.Exists(gone));
        Assert.False(File.Exists(temporary));
        Assert.False(File.Exists(applier.IntentLogPath)); // done: the next apply finds no log
        Assert.Equal(5, applier.Recovered.Count);
        Assert.All(applier.Recovered, line => Assert.Contains("interrupted apply", line));
    }

    [Fact]
    public void No_log_means_nothing_to_recover()
    {
        SandboxHost.SkipUnlessRoot();
        using var sandbox = SandboxHost.Create();
        sandbox.Store.Create("someone").Dispose();
        using var applier = new Applier(sandbox.Store, sandbox.Host);
        using (applier.AcquireLock())
        {
        }
        Assert.Empty(applier.Recovered);
        Assert.Equal(["someone"], sandbox.Store.List());
    }
}
