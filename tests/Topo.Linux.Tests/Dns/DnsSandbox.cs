using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Topo.Core.Dns;
using Topo.Linux.Dns;
using Topo.Linux.Namespaces;

namespace Topo.Linux.Tests.Dns;

/// <summary>
/// A sandbox for resolver tests: the sandbox's host namespace (upstream is dialled from there),
/// an outside namespace on 10.9.0.0/24 where dnsmasq plays the upstream servers, a resolv.conf
/// of the test's own, and container namespaces (lo up) the resolver serves. Everything it starts
/// (the resolver, dnsmasq processes) ends with it.
/// </summary>
internal sealed class DnsSandbox : IDisposable
{
    /// <summary>dnsmasq servers listen on these; Silent has a socket that never answers; Closed has nothing (ICMP port unreachable).</summary>
    public const string UpstreamA = "10.9.0.2", UpstreamB = "10.9.0.3", Silent = "10.9.0.5", Closed = "10.9.0.6";

    private readonly List<Process> _processes = [];
    private readonly List<IDisposable> _owned = [];

    public DnsSandbox(EmbeddedDnsOptions? options = null, string resolvConf = $"nameserver {UpstreamA}\n")
    {
        Box = Sandbox.Sandbox.Create(withOutside: true);
        Sandbox.Sandbox.Ip(Box.Host, "addr add 10.9.0.1/24 dev uplink0");
        foreach (var a in new[] { UpstreamA, UpstreamB, Silent, Closed }) Sandbox.Sandbox.Ip(Box.Outside!, $"addr add {a}/24 dev eth0 nodad");
        ResolvConf = Path.Combine(Box.Root, "resolv.conf");
        File.WriteAllText(ResolvConf, resolvConf);
        Dns = new EmbeddedDns(Box.Store, (options ?? new EmbeddedDnsOptions()) with { ResolvConfPath = ResolvConf, UpstreamNamespace = Box.Host });
    }

    public Sandbox.Sandbox Box { get; }

    public EmbeddedDns Dns { get; }

    public string ResolvConf { get; }

    /// <summary>Creates container namespaces with lo up.</summary>
    public void Containers(params string[] names)
    {
        foreach (var name in names)
        {
            Box.Store.Create(name).Dispose();
            Box.IpIn(name, "link set lo up");
        }
    }

    /// <summary>Runs dig inside namespace <paramref name="ns"/> against 127.0.0.11 (one try, 5 s, like a client); its stdout.</summary>
    public string Dig(string ns, string args) =>
        Sandbox.Sandbox.Run("nsenter", $"--net={Box.Store.PathOf(ns)} dig @127.0.0.11 +tries=1 +timeout=5 {args}");

    /// <summary>dig +short: the answers, one per line.</summary>
    public string[] Short(string ns, string args) =>
        Dig(ns, "+short " + args).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Starts dnsmasq in the outside namespace on <paramref name="address"/>:53 and waits until it answers.</summary>
    public void Dnsmasq(string address, params string[] args)
    {
        var psi = new ProcessStartInfo("nsenter")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var a in new[]
        {
            $"--net={Box.Outside!.Path}", "dnsmasq", "--no-daemon", "--no-resolv", "--no-hosts", "--conf-file=/dev/null",
            "--port=53", $"--listen-address={address}", "--bind-interfaces", "--user=root", "--log-queries", "--cache-size=0",
            $"--pid-file={Path.Combine(Box.Root, $"dnsmasq-{address}.pid")}",
        }.Concat(args)) psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        _processes.Add(p);
        p.BeginErrorReadLine();
        p.BeginOutputReadLine();
        WaitFor(() => TryRun("nsenter", $"--net={Box.Host.Path} dig @{address} +tries=1 +timeout=1 +short ready.check"), TimeSpan.FromSeconds(10), $"dnsmasq on {address}");
    }

    /// <summary>A UDP socket on <paramref name="address"/>:53 in the outside namespace that reads nothing: a server that never answers.</summary>
    public void SilentServer(string address)
    {
        var socket = Box.Thread.Run(Box.Outside!, () => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp));
        socket.Bind(new IPEndPoint(IPAddress.Parse(address), 53));
        _owned.Add(socket);
    }

    /// <summary>Replaces resolv.conf as editors do: write a temporary file, rename it over.</summary>
    public void ReplaceResolvConf(string text, string? path = null)
    {
        path ??= ResolvConf;
        var temp = path + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>A UDP client socket inside namespace <paramref name="ns"/>, connected to the resolver there.</summary>
    public Socket UdpClient(string ns) => Client(ns, SocketType.Dgram, ProtocolType.Udp);

    public Socket TcpClient(string ns) => Client(ns, SocketType.Stream, ProtocolType.Tcp);

    private Socket Client(string ns, SocketType type, ProtocolType protocol)
    {
        using var handle = Box.Store.Open(ns);
        var socket = Box.Thread.Run(handle, () => new Socket(AddressFamily.InterNetwork, type, protocol));
        socket.Connect(new IPEndPoint(IPAddress.Parse("127.0.0.11"), 53));
        _owned.Add(socket);
        return socket;
    }

    public static bool TryRun(string file, string args)
    {
        try
        {
            Sandbox.Sandbox.Run(file, args);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public static void WaitFor(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout) throw new TimeoutException($"{what} not within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
            Thread.Sleep(20);
        }
    }

    public void Dispose()
    {
        Dns.Dispose();
        foreach (var o in _owned) o.Dispose();
        foreach (var p in _processes)
        {
            try
            {
                if (!p.HasExited) p.Kill();
                p.WaitForExit();
            }
            catch (InvalidOperationException)
            {
            }
            p.Dispose();
        }
        Box.Dispose();
    }
}
