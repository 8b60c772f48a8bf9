using System.Diagnostics;
using Topo.Core.Host;
using Topo.Core.Model;
using Topo.Linux.Application;
using Topo.Linux.Namespaces;
using Topo.Linux.Observation;
using SandboxHost = Topo.Linux.Tests.Sandbox.Sandbox;

namespace Topo.Linux.Tests.Application;

/// <summary>/etc/netns/NS/resolv.conf and hosts: written whole, never through a symlink or over a file that is not ours, read back, undone.</summary>
public sealed class NamespaceFileTests(ITestOutputHelper output)
{
    private const string Project = "demo";
    private static readonly Label Web = new(Project, LabelRole.Container, "web");
    private static NamespaceState WebNamespace => new("web") { Owner = Web };
    private static NamespaceFileState Resolv(string content) => new("web", NamespaceFileState.ResolvConf, content) { Owner = Web };
    private static NamespaceFileState Hosts(string content) => new("web", NamespaceFileState.Hosts, content) { Owner = Web };

    private static string Etc(SandboxHost sandbox, string file = "") => Path.Combine(sandbox.Store.Options.EtcDirectory, "web", file);

    [Fact]
    public void Files_are_written_with_their_label_read_back_as_written_updated_and_deleted()
    {
        SandboxHost.SkipUnlessRoot();
        using var sandbox = SandboxHost.Create();
        using var applier = new Applier(sandbox.Store, sandbox.Host);
        using var observer = new Observer(sandbox.Store, sandbox.Host, new ObserverOptions { ResolvConf = Path.Combine(sandbox.Root, "none"), SystemdResolvConf = null });
        var resolv = Resolv("nameserver 127.0.0.11\noptions ndots:0\n");
        var hosts = Hosts("127.0.0.1\tlocalhost\n10.7.0.2\tweb web.front\n");
        applier.Apply(new PlanBuilder(Project).Create(WebNamespace).Create(resolv).Create(hosts).Build());

        Assert.Equal("# topo:demo:container:web — written by topo; changes are overwritten\nnameserver 127.0.0.11\noptions ndots:0\n",
            File.ReadAllText(Etc(sandbox, "resolv.conf")));
        Assert.Equal("644", SandboxHost.Run("stat", $"-c %a {Etc(sandbox, "hosts")}").Trim());
        Assert.Equal(["hosts", "resolv.conf"], Directory.GetFiles(Etc(sandbox)).Select(Path.GetFileName).Order(StringComparer.Ordinal)); // no temporary left
        var observed = observer.Observe(Project);
        Assert.Equal([hosts, resolv], observed.Files.OrderBy(f => f.Key, StringComparer.Ordinal));
        Assert.True(observed.HostResolvConf.IsEmpty); // no resolv.conf where the option points: as Docker, nothing known

        var edited = Resolv("nameserver 192.168.1.1\n");
        applier.Apply(new PlanBuilder(Project).Update(resolv, edited, AttributeKind.Content).Build());
        Assert.Equal(edited, observer.Observe(Project).Files.Single(f => f.Name == "resolv.conf"));

        applier.Apply(new PlanBuilder(Project).Delete(edited).Build());
        Assert.False(File.Exists(Etc(sandbox, "resolv.conf")));
        Assert.Equal([hosts], observer.Observe(Project).Files);

        // The directory goes with the namespace.
        applier.Apply(new PlanBuilder(Project).Delete(WebNamespace).Build());
        Assert.False(Directory.Exists(Etc(sandbox)));
    }

    [Fact]
    public void A_failed_apply_puts_back_what_the_files_held()
    {
        SandboxHost.SkipUnlessRoot();
        using var sandbox = SandboxHost.Create();
        using var applier = new Applier(sandbox.Store, sandbox.Host);
        var before = Resolv("nameserver 10.0.0.1\n");
        var hosts = Hosts("127.0.0.1\tlocalhost\n");
        applier.Apply(new PlanBuilder(Project).Create(WebNamespace).Create(before).Create(hosts).Build());
        var resolvBytes = File.ReadAllBytes(Etc(sandbox, "resolv.conf"));
        var hostsBytes = File.ReadAllBytes(Etc(sandbox, "hosts"));

        var bridge = new LinkState("", "br-x", LinkKind.Bridge) { Up = true };
        var e = Assert.Throws<ApplyException>(() => applier.Apply(new PlanBuilder(Project)
            .Update(before, Resolv("nameserver 127.0.0.11\n"), AttributeKind.Content)
            .Delete(hosts)
            .Create(new NamespaceFileState("web", "extra", "x\n") { Owner = Web })
            .Create(bridge)
            .Create(bridge) // EEXIST: everything above is undone
            .Build()));
        Assert.Equal(5, e.Action.Id);
        Assert.Empty(e.RollbackFailures);
        Assert.Equal(resolvBytes, File.ReadAllBytes(Etc(sandbox, "resolv.conf")));
        Assert.Equal(hostsBytes, File.ReadAllBytes(Etc(sandbox, "hosts")));
        Assert.False(File.Exists(Etc(sandbox, "extra")));
    }

    [Fact]
    public void A_file_that_is_not_ours_or_is_a_symlink_is_never_written_through_or_over()
    {
        SandboxHost.SkipUnlessRoot();
        using var sandbox = SandboxHost.Create();
        using var applier = new Applier(sandbox.Store, sandbox.Host);
        using var observer = new Observer(sandbox.Store, sandbox.Host);
        applier.Apply(new PlanBuilder(Project).Create(WebNamespace).Build());

        // Someone's own file, without topo's label.
        File.WriteAllText(Etc(sandbox, "hosts"), "127.0.0.1 localhost mine\n");
        var e = Assert.Throws<ApplyException>(() => applier.Apply(new PlanBuilder(Project).Create(Hosts("127.0.0.1\tlocalhost\n")).Build()));
        Assert.Contains("was not written by topo", e.InnerException!.Message);
        Assert.Equal("127.0.0.1 localhost mine\n", File.ReadAllText(Etc(sandbox, "hosts")));
        Assert.Null(observer.Observe(Project).Files.Single(f => f.Name == "hosts").Owner);

        // A symlink to a file elsewhere: neither followed when writing nor read as ours.
        var target = Path.Combine(sandbox.Root, "target");
        File.WriteAllText(target, $"# {Web} — written by topo; changes are overwritten\nnameserver 1.1.1.1\n");
        File.CreateSymbolicLink(Etc(sandbox, "resolv.conf"), target);
        var link = observer.Observe(Project).Files.Single(f => f.Name == "resolv.conf");
        Assert.Equal((null, ""), (link.Owner, link.Content));
        e = Assert.Throws<ApplyException>(() => applier.Apply(new PlanBuilder(Project).Create(Resolv("nameserver 127.0.0.11\n")).Build()));
        Assert.Contains("symbolic link", e.InnerException!.Message);
        Assert.Contains("nameserver 1.1.1.1", File.ReadAllText(target));

        // The namespace's directory itself a symlink: refused too.
        var elsewhere = Directory.CreateDirectory(Path.Combine(sandbox.Root, "elsewhere")).FullName;
        Directory.Delete(Etc(sandbox), recursive: true);
        Directory.CreateSymbolicLink(Etc(sandbox).TrimEnd('/'), elsewhere);
        e = Assert.Throws<ApplyException>(() => applier.Apply(new PlanBuilder(Project).Create(Resolv("nameserver 127.0.0.11\n")).Build()));
        Assert.Contains("not a directory", e.InnerException!.Message);
        Assert.Empty(Directory.GetFileSystemEntries(elsewhere));
        File.Delete(Etc(sandbox).TrimEnd('/'));
    }

    [Fact]
    public void The_observer_reads_leftover_directories_and_the_hosts_resolv_conf_as_docker_does()
    {
        SandboxHost.SkipUnlessRoot();
        using var sandbox = SandboxHost.Create();
        // /etc/netns/old with no namespace behind it.
        Directory.CreateDirectory(Path.Combine(sandbox.Store.Options.EtcDirectory, "old"));
        File.WriteAllText(Path.Combine(sandbox.Store.Options.EtcDirectory, "old", "hosts"), "127.0.0.1 localhost\n");
        var stub = Path.Combine(sandbox.Root, "stub-resolv.conf");
        var upstream = Path.Combine(sandbox.Root, "resolved.conf");
        File.WriteAllText(stub, "nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch lan\n");
        File.WriteAllText(upstream, "nameserver 192.168.1.1\nsearch lan\n");
        var symlink = Path.Combine(sandbox.Root, "resolv.conf");
        File.CreateSymbolicLink(symlink, stub);

        using var plain = new Observer(sandbox.Store, sandbox.Host, new ObserverOptions { ResolvConf = symlink, SystemdResolvConf = null });
        var state = plain.Observe();
        Assert.Equal(new NamespaceFileState("old", "hosts", "127.0.0.1 localhost\n"), Assert.Single(state.Files));
        Assert.Equal(ResolvConf.Parse("nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch lan\n"), state.HostResolvConf);

        // systemd-resolved's stub alone: the upstream servers are in its other file.
        using var resolved = new Observer(sandbox.Store, sandbox.Host, new ObserverOptions { ResolvConf = symlink, SystemdResolvConf = upstream });
        Assert.Equal(["192.168.1.1"], resolved.Observe().HostResolvConf.Nameservers);
    }

    [Theory]
    [InlineData(500, 1)]
    [InlineData(500, 20)]
    public void Reading_the_files_of_500_namespaces(int containers, int networks)
    {
        // No root needed: plain directories, as the observer finds them under /etc/netns.
        var etc = Directory.CreateTempSubdirectory("topo-files-").FullName;
        try
        {
            var hosts = ContainerHostsOf(containers / networks);
            var names = new List<string>();
            for (var i = 0; i < containers; i++)
            {
                var dir = Directory.CreateDirectory(Path.Combine(etc, $"c{i}")).FullName;
                var label = new Label(Project, LabelRole.Container, $"c{i}");
                File.WriteAllText(Path.Combine(dir, "resolv.conf"), $"# {label} — x\nnameserver 127.0.0.11\noptions ndots:0\n");
                File.WriteAllText(Path.Combine(dir, "hosts"), $"# {label} — x\n{hosts}");
                names.Add($"c{i}");
            }
            var paths = names.SelectMany(n => new[] { Path.Combine(etc, n, "resolv.conf"), Path.Combine(etc, n, "hosts") }).ToList();
            // CPU time as well as wall time: on a shared machine the wall clock mostly measures the neighbours.
            var (fresh, freshCpu) = Measure(() =>
            {
                var read = new FileObservation(etc, new ObserverOptions()).Read(names, _ => false).ByName.Values.SelectMany(f => f).ToList();
                Assert.Equal(2 * containers, read.Count);
                Assert.All(read, f => Assert.NotNull(f.Owner));
            });
            var (baseline, baselineCpu) = Measure(() => paths.ForEach(p => File.ReadAllBytes(p)));
            var files = new FileObservation(etc, new ObserverOptions());
            files.Read(names, _ => false);
            var (reused, _) = Measure(() => files.Read(names, _ => true));
            var message = $"[measure] files of {containers} namespaces on {networks} network(s) (hosts files of {hosts.Length} bytes): " +
                          $"read {fresh:0.0} ms ({freshCpu:0} ms CPU), File.ReadAllBytes of the same {baseline:0.0} ms ({baselineCpu:0} ms CPU); " +
                          $"names known unchanged {reused:0.00} ms";
            output.WriteLine(message);
            Console.Error.WriteLine(message);
        }
        finally
        {
            Directory.Delete(etc, recursive: true);
        }
    }

    /// <summary>Median wall and CPU milliseconds over 15 runs, after enough runs for the JIT's second tier (the AOT binary has no JIT).</summary>
    private static (double Wall, double Cpu) Measure(Action action)
    {
        for (var i = 0; i < 40; i++) action();
        Thread.Sleep(100); // let background compilation finish
        var wall = new List<double>();
        var cpu = new List<double>();
        for (var i = 0; i < 15; i++)
        {
            var cpuStart = ThreadCpu();
            var clock = Stopwatch.StartNew();
            action();
            wall.Add(clock.Elapsed.TotalMilliseconds);
            cpu.Add(ThreadCpu() - cpuStart);
        }
        wall.Sort();
        cpu.Sort();
        return (wall[wall.Count / 2], cpu[cpu.Count / 2]);
    }

    /// <summary>The process's CPU time: the test runs alone on its thread, the others wait.</summary>
    private static double ThreadCpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;

    private static string ContainerHostsOf(int peers)
    {
        var text = new System.Text.StringBuilder(Topo.Core.Dns.ContainerHosts.Localhost);
        for (var i = 0; i < peers; i++) text.Append($"10.8.{i / 250}.{i % 250 + 2}\tc{i} c{i}.front\n");
        return text.ToString();
    }
}
