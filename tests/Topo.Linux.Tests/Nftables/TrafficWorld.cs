using System.Diagnostics;
using Topo.Core.Firewall;
using Topo.Core.Model;
using Topo.Core.Resolution;
using Topo.Linux.Nftables;
using SandboxWorld = Topo.Linux.Tests.Sandbox.Sandbox;

namespace Topo.Linux.Tests.Nftables;

/// <summary>
/// Real traffic in a sandbox: the sandbox namespace plays the host (uplink0 10.99.0.1), "outside"
/// plays another machine (10.99.0.2). Bridges, veths and container namespaces are made with `ip`
/// exactly as the topology resolves them (bridge port flags included); a tiny TCP server in a
/// container answers every connection with the client address it sees.
/// </summary>
internal static class TrafficWorld
{
    /// <summary>Answers every connection with the client address it sees; IPv6 when the address to bind has a colon.</summary>
    public const string Server = """
        import socket, sys
        s = socket.socket(socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((sys.argv[1], int(sys.argv[2])))
        s.listen(16)
        while True:
            c, a = s.accept()
            try:
                c.recv(4096)
                c.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n" + a[0].encode())
            finally:
                c.close()
        """;

    public static string Address(Topology topology, string container, string? network = null) =>
        topology.Containers.Single(c => c.Name == container).Endpoints
            .First(e => network is null || e.Network == network).Address.ToString();

    /// <summary>Sandbox with uplink addresses, the topology built with `ip`, sysctls set and the ruleset applied.</summary>
    public static (SandboxWorld Sandbox, NftablesClient Nft) Apply(Topology topology)
    {
        var ruleset = RulesetBuilder.Build(topology);
        var sandbox = SandboxWorld.Create(withOutside: true);
        try
        {
            SandboxWorld.Ip(sandbox.Host, "addr add 10.99.0.1/24 dev uplink0");
            SandboxWorld.Ip(sandbox.Outside!, "addr add 10.99.0.2/24 dev eth0");
            Build(sandbox, topology);
            foreach (var (key, value) in ruleset.RequiredSysctls)
                SandboxWorld.Run("nsenter", $"--net={sandbox.Host.Path} sysctl -q -w {key}={value}");
            var nft = new NftablesClient(sandbox.Thread, sandbox.Host);
            nft.Replace(ruleset);
            return (sandbox, nft);
        }
        catch
        {
            sandbox.Dispose();
            throw;
        }
    }

    /// <summary>One ping of either family (iputils picks it from the address).</summary>
    public static bool Ping(string nsPath, string address)
    {
        try
        {
            SandboxWorld.Run("nsenter", $"--net={nsPath} ping -c 1 -W 1 {address}");
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Bridges, namespaces and veths as the topology resolved them (what the applier will create).</summary>
    public static void Build(SandboxWorld sandbox, Topology topology)
    {
        foreach (var n in topology.Networks)
        {
            SandboxWorld.Ip(sandbox.Host, $"link add {n.BridgeName} type bridge");
            SandboxWorld.Ip(sandbox.Host, $"addr add {n.Gateway}/{n.Subnet.Length} dev {n.BridgeName}");
            SandboxWorld.Ip(sandbox.Host, $"link set {n.BridgeName} up");
        }
        foreach (var c in topology.Containers)
        {
            sandbox.Store.Create(c.Name).Dispose();
            sandbox.IpIn(c.Name, "link set lo up");
            foreach (var e in c.Endpoints)
            {
                var network = topology.FindNetwork(e.Network)!;
                SandboxWorld.Ip(sandbox.Host, $"link add {e.HostInterface} type veth peer name {e.Interface} netns {sandbox.Store.PathOf(c.Name)}");
                SandboxWorld.Ip(sandbox.Host, $"link set {e.HostInterface} master {network.BridgeName} up");
                // ICC off: bridge port isolation; the port published ports lead to: hairpin mode (as the applier sets them).
                if (!network.Icc) SandboxWorld.Ip(sandbox.Host, $"link set {e.HostInterface} type bridge_slave isolated on");
                if (topology.Desired.FindLink(new LinkRef(HostState.Host, e.HostInterface!))?.Hairpin == true)
                    SandboxWorld.Ip(sandbox.Host, $"link set {e.HostInterface} type bridge_slave hairpin on");
                sandbox.IpIn(c.Name, $"addr add {e.Address}/{e.PrefixLength} dev {e.Interface}");
                sandbox.IpIn(c.Name, $"link set {e.Interface} up");
                if (e.DefaultRoute) sandbox.IpIn(c.Name, $"route add default via {network.Gateway}");
            }
        }
    }

    public sealed class ServerProcess(Process process) : IDisposable
    {
        public void Dispose()
        {
            try { process.Kill(); } catch (InvalidOperationException) { }
            process.WaitForExit();
            process.Dispose();
        }
    }

    /// <summary>Sets net.bridge.bridge-nf-call-iptables in the namespace; false when br_netfilter is not there.</summary>
    public static bool SetBridgeNetfilter(string nsPath, bool on)
    {
        try
        {
            SandboxWorld.Run("nsenter", $"--net={nsPath} sysctl -q -w net.bridge.bridge-nf-call-iptables={(on ? 1 : 0)}");
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public static ServerProcess StartServer(string nsPath, string address, int port)
    {
        var psi = new ProcessStartInfo("nsenter") { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add($"--net={nsPath}");
        psi.ArgumentList.Add("/usr/bin/python3");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(Server);
        psi.ArgumentList.Add(address);
        psi.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new ServerProcess(Process.Start(psi)!);
    }

    /// <summary>The response body, or null when the connection fails or times out.</summary>
    public static string? Curl(string nsPath, string url)
    {
        var psi = new ProcessStartInfo("nsenter") { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add($"--net={nsPath}");
        psi.ArgumentList.Add("curl");
        psi.ArgumentList.Add("-sS");
        psi.ArgumentList.Add("--max-time");
        psi.ArgumentList.Add("2");
        psi.ArgumentList.Add(url);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0 ? stdout.Result.Trim() : null;
    }

    public static void WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out waiting until {what}");
            Thread.Sleep(100);
        }
    }
}
