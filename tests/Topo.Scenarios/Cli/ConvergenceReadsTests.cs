using Topo.Cli.Commands;
using Topo.Core.Host;
using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Spec;
using Topo.Scenarios.Support;

namespace Topo.Scenarios.Cli;

/// <summary>What one round asks the host to read: everything first, then only what the plan reached.</summary>
public sealed class ConvergenceReadsTests
{
    private static readonly TopologyFile Spec = SpecLoader.Parse(
        "version: 1\nname: shop\nnetworks:\n  back: {subnet: 10.20.0.0/24}\ncontainers:\n  web: {networks: [back]}\n", "shop.yaml").File!;

    [Fact]
    public void Verifying_reads_the_host_links_and_namespaces_the_plan_reached()
    {
        var host = new MemoryHost(HostState.Empty);
        var result = Convergence.Run(host, Spec, observed => PlanBuilder.Build(Spec, observed));

        Assert.True(result.Converged);
        Assert.Equal(2, host.UnchangedAsked.Count);
        Assert.Null(host.UnchangedAsked[0]);
        var verify = host.UnchangedAsked[1]!;
        var hostLinks = result.Plan!.Desired.Links.Where(l => l.Namespace == HostState.Host).Select(l => l.Name).Order(StringComparer.Ordinal);
        Assert.Equal(hostLinks, verify.HostLinksToRead!.Order(StringComparer.Ordinal)); // the bridge and web's veth: all made now
        Assert.False(verify.Namespaces!("web"));
    }

    [Fact]
    public void After_waiting_for_another_apply_everything_is_read()
    {
        var host = new MemoryHost(HostState.Empty) { LockNotice = "waiting for the apply lock (held by pid 4242)" };
        var told = new List<string>();
        Convergence.Run(host, Spec, observed => PlanBuilder.Build(Spec, observed), notice: told.Add,
            known: new KnownUnchanged { Namespaces = _ => true, HostLinksToRead = new HashSet<string>() });

        Assert.Equal(["waiting for the apply lock (held by pid 4242)"], told);
        Assert.Null(host.UnchangedAsked[0]);
    }
}
