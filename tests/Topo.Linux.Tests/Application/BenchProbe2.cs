using System.Diagnostics;
using SandboxHost = Topo.Linux.Tests.Sandbox.Sandbox;

namespace Topo.Linux.Tests.Application;

public sealed class BenchProbe2
{
    [Fact]
    public void Probe2()
    {
        if (Environment.GetEnvironmentVariable("TOPO_PROBE") is null) Assert.Skip("timing probe: set TOPO_PROBE=1 (writes /tmp/probe.txt)");
        using var sandbox = SandboxHost.Create();
        using (sandbox.Store.Create("warm")) { }
        var sw = new Stopwatch();
        var dir = sandbox.Store.Options.NetnsDirectory;
        sw.Restart();
        for (var i = 0; i < 200; i++) using (new FileStream(Path.Combine(dir, $"f{i}"), FileMode.CreateNew, FileAccess.Write)) { }
        var files = sw.ElapsedMilliseconds; sw.Restart();
        var handles = new List<Topo.Linux.Namespaces.NetNamespace>();
        for (var i = 0; i < 200; i++) handles.Add(sandbox.Thread.CreateNamespace());
        var bare = sw.ElapsedMilliseconds; sw.Restart();
        for (var i = 0; i < 200; i++) handles.Add(sandbox.Store.Create($"n{i}"));
        var store = sw.ElapsedMilliseconds; sw.Restart();
        for (var i = 0; i < 200; i++) File.Delete(Path.Combine(dir, $"f{i}"));
        File.AppendAllText("/tmp/probe.txt", $"\n[probe2] 200 files {files} ms, 200 bare ns {bare} ms, 200 store ns {store} ms");
        foreach (var h in handles) h.Dispose();
    }
}
