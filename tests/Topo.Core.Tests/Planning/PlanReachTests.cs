using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Tests.Support;

namespace Topo.Core.Tests.Planning;

/// <summary>Which namespaces applying a plan can change: what verifying it must read again.</summary>
public sealed class PlanReachTests
{
    private static SpecBuilder Shop() => new SpecBuilder("shop")
        .Network("lan", "10.1.0.0/24")
        .Container("web", "lan")
        .Container("db", "lan");

    [Fact]
    public void A_plan_from_scratch_reaches_the_host_and_every_container()
    {
        var plan = Pipeline.Plan(Shop().Build());
        Assert.Equal(["", "db", "web"], PlanReach.Namespaces(plan).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void One_more_container_reaches_only_the_host_and_that_container_in_the_kernel_and_its_neighbours_hosts_files()
    {
        var converged = PlanSimulator.Apply(HostState.Empty, Pipeline.Plan(Shop().Build()));
        var plan = Pipeline.Plan(Shop().Container("cache", "lan").Build(), converged);
        Assert.Equal(["", "cache"], PlanReach.KernelNamespaces(plan).Order(StringComparer.Ordinal));
        Assert.Equal(["cache", "db", "web"], PlanReach.FileNamespaces(plan).Order(StringComparer.Ordinal));
        Assert.Equal(["", "cache", "db", "web"], PlanReach.Namespaces(plan).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Removing_a_container_reaches_the_namespace_it_deletes_and_the_hosts_files_that_listed_it()
    {
        var converged = PlanSimulator.Apply(HostState.Empty, Pipeline.Plan(Shop().Build()));
        var plan = Pipeline.Plan(new SpecBuilder("shop").Network("lan", "10.1.0.0/24").Container("web", "lan").Build(), converged);
        Assert.Equal(["", "db"], PlanReach.KernelNamespaces(plan).Order(StringComparer.Ordinal));
        Assert.Equal(["db", "web"], PlanReach.FileNamespaces(plan).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_file_edited_by_hand_reaches_no_namespace_in_the_kernel()
    {
        var converged = PlanSimulator.Apply(HostState.Empty, Pipeline.Plan(Shop().Build()));
        var edited = converged with
        {
            Files = [.. converged.Files.Select(f => f.Key == "web/resolv.conf" ? f with { Content = "nameserver 1.1.1.1\n" } : f)],
        };
        var plan = Pipeline.Plan(Shop().Build(), edited);
        Assert.Equal("~ file web/resolv.conf", Pipeline.Lines(plan));
        Assert.Equal([""], PlanReach.KernelNamespaces(plan));
        Assert.Equal(["web"], PlanReach.FileNamespaces(plan));
    }
}
