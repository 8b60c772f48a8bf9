namespace Topo.Linux.Tests.Sandbox;

public sealed class SandboxTests
{
    [Fact]
    public void Sandbox_has_its_own_host_and_leaves_nothing_behind()
    {
        Sandbox.SkipUnlessRoot();
        string root;
        string hostPath;
        using (var sandbox = Sandbox.Create(withOutside: true))
        {
            root = sandbox.Root;
            hostPath = sandbox.Host.Path;
            var links = Sandbox.Links(sandbox.Host).Select(l => l.GetProperty("ifname").GetString()).ToList();
            Assert.Contains("lo", links);
            Assert.Contains("uplink0", links);
            Assert.DoesNotContain("eth0", links);
            Assert.NotNull(Sandbox.Link(sandbox.Outside!, "eth0"));
            using var ns = sandbox.Store.Create("probe");
            Assert.True(File.Exists(Path.Combine(root, "netns", "probe")));
        }
        Assert.False(Directory.Exists(root));
        Assert.DoesNotContain(root, File.ReadAllText("/proc/self/mountinfo"));
        Assert.DoesNotContain("uplink0", Sandbox.Run("ip", "-o link show"));
    }
}
