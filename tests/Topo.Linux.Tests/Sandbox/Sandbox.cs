using System.Diagnostics;
using System.Text.Json;
using Topo.Linux.Namespaces;

namespace Topo.Linux.Tests.Sandbox;

/// <summary>
/// A throwaway world for tests that change kernel state: a fresh network namespace that plays
/// the host (loopback up), a private temp directory for named namespaces and their /etc, and
/// optionally an "outside" namespace joined to the host by a veth (uplink0 on the host side,
/// eth0 outside). Dispose removes everything: names unmounted, namespaces released, dirs deleted.
/// </summary>
public sealed class Sandbox : IDisposable
{
    private const string Prefix = "topo-sandbox-";

    private Sandbox(bool withOutside)
    {
        SweepAbandoned();
        Root = Directory.CreateTempSubdirectory(Prefix).FullName;
        File.WriteAllText(Path.Combine(Root, "owner.pid"), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Thread = new NamespaceThread("topo-sandbox");
        Host = Thread.CreateNamespace();
        Store = new NamespaceStore(
            new NamespaceStoreOptions { NetnsDirectory = Path.Combine(Root, "netns"), EtcDirectory = Path.Combine(Root, "etc") },
            Thread);
        Ip(Host, "link set lo up");
        if (withOutside)
        {
            Outside = Thread.CreateNamespace();
            Ip(Outside, "link set lo up");
            Ip(Host, $"link add uplink0 type veth peer name eth0 netns {Outside.Path}");
            Ip(Host, "link set uplink0 up");
            Ip(Outside, "link set eth0 up");
        }
    }

    public string Root { get; }
    public NamespaceThread Thread { get; }
    public NetNamespace Host { get; }
    public NetNamespace? Outside { get; }
    public NamespaceStore Store { get; }

    public static Sandbox Create(bool withOutside = false) => new(withOutside);

    /// <summary>Skips the test unless it runs as root (sandboxes need CAP_SYS_ADMIN and CAP_NET_ADMIN).</summary>
    public static void SkipUnlessRoot()
    {
        if (Environment.UserName != "root" && !IsRootUid()) Assert.Skip("needs root: creates network namespaces");
    }

    private static bool IsRootUid() => File.ReadLines("/proc/self/status")
        .FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal))?.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1] == "0";

    /// <summary>Runs `ip ARGS` inside <paramref name="ns"/> (nsenter --net=PATH) and returns stdout; throws on failure.</summary>
    public static string Ip(NetNamespace ns, string args) => Run("nsenter", $"--net={ns.Path} ip {args}");

    public string IpIn(string name, string args) => Run("nsenter", $"--net={Store.PathOf(name)} ip {args}");

    /// <summary>`ip -j -d link show` in a namespace, parsed.</summary>
    public static JsonElement[] Links(NetNamespace ns) => Json(Ip(ns, "-j -d link show"));

    public static JsonElement[] Addresses(NetNamespace ns) => Json(Ip(ns, "-j -4 addr show"));

    public static JsonElement[] Routes(NetNamespace ns) => Json(Ip(ns, "-j -4 route show table main"));

    public static JsonElement? Link(NetNamespace ns, string name) =>
        Links(ns).Cast<JsonElement?>().FirstOrDefault(l => l!.Value.GetProperty("ifname").GetString() == name);

    public static JsonElement[] Json(string text) =>
        string.IsNullOrWhiteSpace(text) ? [] : JsonDocument.Parse(text).RootElement.EnumerateArray().ToArray();

    public static string Run(string file, string args)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {args} failed ({p.ExitCode}): {stderr}");
        return stdout.Result;
    }

    /// <summary>
    /// A test process that crashed (it happened: glibc aborts on fd ≥ 1024 in select()) never ran
    /// Dispose, and its namespaces stay bind-mounted in the machine's mount table — hundreds of
    /// entries that every process start then reads. The next sandbox removes them: sandboxes
    /// whose owner process is gone are unmounted and deleted.
    /// </summary>
    private static void SweepAbandoned()
    {
        foreach (var dir in Directory.EnumerateDirectories(Path.GetTempPath(), Prefix + "*"))
        {
            var pidFile = Path.Combine(dir, "owner.pid");
            if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile), out var pid) && Directory.Exists($"/proc/{pid}")) continue;
            if (!File.Exists(pidFile) && Directory.GetLastWriteTimeUtc(dir) > DateTime.UtcNow.AddMinutes(-10)) continue; // maybe being created
            foreach (var mount in MountsUnder(dir).OrderByDescending(m => m.Length)) NamespaceStore.Unmount(mount);
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static IEnumerable<string> MountsUnder(string dir) =>
        File.ReadLines("/proc/self/mountinfo")
            .Select(l => l.Split(' ')[4])
            .Where(m => m == dir || m.StartsWith(dir + "/", StringComparison.Ordinal))
            .Distinct()
            .ToList();

    public void Dispose()
    {
        foreach (var name in Store.List())
        {
            try { Store.Delete(name); } catch (IOException) { }
        }
        NamespaceStore.Unmount(Store.Options.NetnsDirectory);
        Outside?.Dispose();
        Host.Dispose();
        Thread.Dispose();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
