using System.Diagnostics;
using Topo.Linux.Netlink;
using Topo.Linux.Netlink.Transport;
using SandboxHost = Topo.Linux.Tests.Sandbox.Sandbox;

namespace Topo.Linux.Tests.Application;

public sealed class BenchProbe
{
    [Fact]
    public void Probe()
    {
        if (Environment.GetEnvironmentVariable("TOPO_PROBE") is null) Assert.Skip("timing probe: set TOPO_PROBE=1 (writes /tmp/probe.txt)");
        using var sandbox = SandboxHost.Create();
        var sw = Stopwatch.StartNew();
        var bare = new List<Topo.Linux.Namespaces.NetNamespace>();
        for (var i = 0; i < 200; i++) bare.Add(sandbox.Thread.CreateNamespace());
        File.AppendAllText("/tmp/probe.txt", "\n" + $"[probe] 200 bare unshare: {sw.ElapsedMilliseconds} ms"); sw.Restart();
        foreach (var b in bare) b.Dispose();
        for (var i = 0; i < 50; i++) Directory.CreateDirectory(Path.Combine(sandbox.Root, "x", $"d{i}"));
        File.AppendAllText("/tmp/probe.txt", "\n" + $"[probe] 50 mkdir: {sw.ElapsedMilliseconds} ms"); sw.Restart();
        var handles = new List<Topo.Linux.Namespaces.NetNamespace>();
        for (var i = 0; i < 200; i++) handles.Add(sandbox.Store.Create($"n{i}"));
        File.AppendAllText("/tmp/probe.txt", "\n" + $"[probe] create 200 ns: {sw.ElapsedMilliseconds} ms"); sw.Restart();
        var sockets = handles.Select(h => sandbox.Thread.OpenSocket(h)).ToList();
        File.AppendAllText("/tmp/probe.txt", "\n" + $"[probe] open 200 sockets: {sw.ElapsedMilliseconds} ms"); sw.Restart();
        foreach (var s in sockets)
        {
            using var session = new RouteNetlinkSession(s);
            session.ChangeLink(new Topo.Linux.Netlink.Messages.LinkMessage { Name = "lo", Alias = "x" }, "alias lo");
        }
        File.AppendAllText("/tmp/probe.txt", "\n" + $"[probe] 200 lo alias: {sw.ElapsedMilliseconds} ms"); sw.Restart();
        sockets = handles.Select(h => sandbox.Thread.OpenSocket(h)).ToList();
        foreach (var s in sockets)
        {
            using var session = new RouteNetlinkSession(s);
            session.ChangeLink(new Topo.Linux.Netlink.Messages.LinkMessage { Name = "lo", Flags = Topo.Linux.Netlink.Constants.InterfaceFlags.Up, Change = Topo.Linux.Netlink.Constants.InterfaceFlags.Up }, "lo up");
        }
        File.AppendAllText("/tmp/probe.txt", "\n" + $"[probe] 200 lo up (+ socket open): {sw.ElapsedMilliseconds} ms"); sw.Restart();
        foreach (var h in handles) sandbox.Thread.Run(h, () => 1);
        File.AppendAllText("/tmp/probe.txt", "\n" + $"[probe] 200 thread hops: {sw.ElapsedMilliseconds} ms"); sw.Restart();
        using var host = new RouteNetlinkSession(sandbox.Thread.OpenSocket(sandbox.Host));
        for (var i = 0; i < 200; i++) host.CreateLink(LinkRequests.Veth($"v{i}", default, "eth0", new LinkOptions(NamespaceFd: handles[i].Fd)), "veth");
        File.AppendAllText("/tmp/probe.txt", "\n" + $"[probe] 200 veth (one by one): {sw.ElapsedMilliseconds} ms"); sw.Restart();
        host.Pipelining = true;
        for (var i = 0; i < 200; i++) host.DeleteLink($"v{i}", "del");
        host.Flush();
        File.AppendAllText("/tmp/probe.txt", "\n" + $"[probe] 200 veth delete (pipelined): {sw.ElapsedMilliseconds} ms"); sw.Restart();
        for (var i = 0; i < 200; i++) host.CreateLink(LinkRequests.Veth($"v{i}", default, "eth0", new LinkOptions(NamespaceFd: handles[i].Fd)), "veth");
        host.Flush();
        File.AppendAllText("/tmp/probe.txt", "\n" + $"[probe] 200 veth (pipelined): {sw.ElapsedMilliseconds} ms"); sw.Restart();
        foreach (var h in handles) h.Dispose();
    }
}
