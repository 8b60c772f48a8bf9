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

    private static string[] HostEnds(HostState state, string container) =>
        [.. state.Links.Where(l => l.Namespace == HostState.Host && l.Peer?.Namespace == container).Select(l => l.Name)];

    private static string Bridge(HostState state) => state.Links.Single(l => l.Namespace == HostState.Host && l.Type == LinkKind.Bridge).Name;

    [Fact]
    public void One_more_container_reaches_its_veth_and_its_bridge_of_the_host_links()
    {
        var converged = PlanSimulator.Apply(HostState.Empty, Pipeline.Plan(Shop().Build()));
        var plan = Pipeline.Plan(Shop().Container("cache", "lan").Build(), converged);
        var veth = Assert.Single(HostEnds(plan.Desired, "cache"));
        Assert.Equal([Bridge(converged), veth], PlanReach.HostLinks(plan, converged).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Removing_a_container_reaches_the_host_end_of_its_veth_and_its_bridge()
    {
        var converged = PlanSimulator.Apply(HostState.Empty, Pipeline.Plan(Shop().Build()));
        var plan = Pipeline.Plan(new SpecBuilder("shop").Network("lan", "10.1.0.0/24").Container("web", "lan").Build(), converged);
        var veth = Assert.Single(HostEnds(converged, "db"));
        Assert.Equal([Bridge(converged), veth], PlanReach.HostLinks(plan, converged).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_host_link_whose_peer_is_in_a_reached_namespace_is_reached_even_if_no_action_names_it()
    {
        var converged = PlanSimulator.Apply(HostState.Empty, Pipeline.Plan(Shop().Build()));
        // web's address taken away by hand: the plan adds it again inside web, naming no host link.
        var drifted = converged with { Addresses = [.. converged.Addresses.Where(a => a.Namespace != "web")] };
        var plan = Pipeline.Plan(Shop().Build(), drifted);
        Assert.Equal(["", "web"], PlanReach.KernelNamespaces(plan).Order(StringComparer.Ordinal));
        var veth = Assert.Single(HostEnds(converged, "web"));
        Assert.Equal([Bridge(converged), veth], PlanReach.HostLinks(plan, drifted).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_bridge_the_plan_changes_reaches_its_ports()
    {
        var converged = PlanSimulator.Apply(HostState.Empty, Pipeline.Plan(Shop().Build()));
        var bridge = Bridge(converged);
        var drifted = converged with { Links = [.. converged.Links.Select(l => l.Name == bridge ? l with { Up = false } : l)] };
        var plan = Pipeline.Plan(Shop().Build(), drifted);
        Assert.Equal($"~ link {bridge}", Pipeline.Lines(plan));
        Assert.Equal([bridge, .. HostEnds(converged, "db"), .. HostEnds(converged, "web")],
            PlanReach.HostLinks(plan, drifted).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_file_edited_by_hand_reaches_no_host_link()
    {
        var converged = PlanSimulator.Apply(HostState.Empty, Pipeline.Plan(Shop().Build()));
        var edited = converged with
        {
            Files = [.. converged.Files.Select(f => f.Key == "web/resolv.conf" ? f with { Content = "nameserver 1.1.1.1\n" } : f)],
        };
        Assert.Empty(PlanReach.HostLinks(Pipeline.Plan(Shop().Build(), edited), edited));
    }
}
