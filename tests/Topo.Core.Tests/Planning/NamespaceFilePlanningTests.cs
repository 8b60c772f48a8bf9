using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Spec;
using Topo.Core.Tests.Support;

namespace Topo.Core.Tests.Planning;

/// <summary>How the planner treats /etc/netns/NS/resolv.conf and hosts: pure, no host needed.</summary>
public sealed class NamespaceFilePlanningTests
{
    private static SpecBuilder Shop() => new SpecBuilder("shop")
        .Network("lan", "10.1.0.0/24")
        .Container("web", "lan")
        .Container("db", "lan");

    private static HostState Edit(HostState host, string key, Func<NamespaceFileState, NamespaceFileState> edit) =>
        host with { Files = [.. host.Files.Select(f => f.Key == key ? edit(f) : f)] };

    [Fact]
    public void Every_container_namespace_gets_both_files_after_its_namespace_and_a_converged_host_needs_nothing()
    {
        var plan = Pipeline.Plan(Shop().Build());
        var files = plan.Actions.Where(a => a.Subject is NamespaceFileState).ToList();
        Assert.Equal(["db/hosts", "db/resolv.conf", "web/hosts", "web/resolv.conf"], files.Select(a => a.Subject.Key));
        Assert.All(files, a => Assert.Equal(ActionKind.Create, a.Kind));
        var webNamespace = plan.Actions.Single(a => a.Subject is NamespaceState { Name: "web" }).Id;
        Assert.All(files.Where(a => a.Subject.Namespace == "web"), a => Assert.Equal([webNamespace], a.DependsOn));

        var converged = PlanSimulator.Apply(HostState.Empty, plan);
        Assert.Equal(4, converged.Files.Length);
        Assert.True(Pipeline.Plan(Shop().Build(), converged).IsEmpty);
    }

    [Fact]
    public void A_file_edited_by_hand_is_written_again_in_place()
    {
        var host = Pipeline.Converge(Shop().Build());
        var edited = Edit(host, "web/resolv.conf", f => f with { Content = "nameserver 1.1.1.1\n" });
        var action = Assert.Single(Pipeline.Plan(Shop().Build(), edited).Actions);
        Assert.Equal(ActionKind.Update, action.Kind);
        Assert.Equal("web/resolv.conf", action.Subject.Key);
        var change = Assert.Single(action.Changes);
        Assert.Equal((AttributeKind.Content, "nameserver 1.1.1.1\n", "nameserver 127.0.0.11\noptions ndots:0\n", false),
            (change.Attribute, change.Before, change.After, change.ForcesReplace));
        Assert.Equal(Reasons.UpdateFile, action.Reason);
    }

    [Fact]
    public void A_deleted_file_is_written_again()
    {
        var host = Pipeline.Converge(Shop().Build());
        host = host with { Files = [.. host.Files.Where(f => f.Key != "db/hosts")] };
        Assert.Equal("+ file db/hosts", Pipeline.Lines(Pipeline.Plan(Shop().Build(), host)));
    }

    [Fact]
    public void A_file_without_topos_label_is_never_overwritten_and_the_error_names_it()
    {
        var host = Pipeline.Converge(Shop().Build());
        var foreign = Edit(host, "web/hosts", f => f with { Owner = null });
        var spec = Shop().Build();
        var result = Planner.Plan("shop", Pipeline.Resolve(spec, foreign).Desired, foreign);
        Assert.Null(result.Plan);
        Assert.Equal(
            "error: file web/hosts (/etc/netns/web/hosts, what `ip netns exec web` shows as /etc/hosts) already exists and was not " +
            "written by topo (its first line is no topo label); topo never changes what it does not own: move that file away yourself " +
            "(topo writes the container's own there)",
            Assert.Single(result.Errors).ToString());
        // Nor deleted when the container goes: only its namespace is, which is topo's.
        var destroy = Planner.Plan("shop", HostState.Empty, foreign).Plan!;
        Assert.DoesNotContain(destroy.Actions, a => a.Subject is NamespaceFileState);
    }

    [Fact]
    public void A_leftover_file_where_a_new_namespace_goes_is_refused_if_foreign_and_rewritten_if_ours()
    {
        // A directory /etc/netns/web with no namespace behind it: the observer reads its files too.
        var stray = new NamespaceFileState("web", NamespaceFileState.ResolvConf, "nameserver 9.9.9.9\n");
        var host = HostState.Empty with { Files = [stray] };
        var spec = Shop().Build();
        Assert.Contains("file web/resolv.conf", Assert.Single(Planner.Plan("shop", Pipeline.Resolve(spec, host).Desired, host).Errors).Message);

        var ours = host with { Files = [stray with { Owner = new Label("shop", LabelRole.Container, "web") }] };
        var plan = Pipeline.Plan(spec, ours);
        Assert.Contains(plan.Actions, a => a is { Kind: ActionKind.Create, Subject: NamespaceFileState { Key: "web/resolv.conf" } });
    }

    [Fact]
    public void Files_inside_another_projects_namespace_add_no_error_of_their_own()
    {
        var other = Pipeline.Converge(new SpecBuilder("other").Container("web").Build());
        var spec = new SpecBuilder("mine").Container("web").Build();
        var result = Planner.Plan("mine", Pipeline.Resolve(spec, other).Desired, other);
        Assert.StartsWith("namespace 'web' already exists and belongs to project 'other'", Assert.Single(result.Errors).Message);
    }

    [Fact]
    public void Files_go_with_their_namespace_and_the_neighbours_hosts_files_are_rewritten()
    {
        var host = Pipeline.Converge(Shop().Build());
        var plan = Pipeline.Plan(new SpecBuilder("shop").Network("lan", "10.1.0.0/24").Container("web", "lan").Build(), host);
        Assert.DoesNotContain(plan.Actions, a => a is { Kind: ActionKind.Delete, Subject: NamespaceFileState });
        var rewrite = Assert.Single(plan.Actions, a => a.Subject is NamespaceFileState);
        Assert.Equal(("web/hosts", ActionKind.Update), (rewrite.Subject.Key, rewrite.Kind));
        Assert.DoesNotContain("db", ((NamespaceFileState)rewrite.After!).Content);

        var destroy = Pipeline.Plan(new SpecBuilder("shop").Build(), host);
        Assert.DoesNotContain(destroy.Actions, a => a.Subject is NamespaceFileState);
        Assert.Empty(PlanSimulator.Apply(host, destroy).Files);
    }

    [Fact]
    public void A_shared_name_takes_its_files_along_and_a_re_created_namespace_gets_them_again()
    {
        var modes = new SpecBuilder("m").Container("web").Mode("shell", NetworkModeKind.Container, "web");
        var host = Pipeline.Converge(modes.Build());
        Assert.Contains(host.Files, f => f.Key == "shell/hosts");

        // shell leaves: its name and its directory go; nothing deletes the files one by one.
        var gone = Pipeline.Plan(new SpecBuilder("m").Container("web").Build(), host);
        Assert.Equal("- namespace shell", Pipeline.Lines(gone));
        Assert.DoesNotContain(PlanSimulator.Apply(host, gone).Files, f => f.Namespace == "shell");

        // shell gets a namespace of its own: the name is re-created with an empty directory, so both files are written again.
        var own = new SpecBuilder("m").Container("web").Container("shell");
        var plan = Pipeline.Plan(own.Build(), host);
        Assert.Contains(plan.Actions, a => a is { Kind: ActionKind.Replace, Subject: NamespaceState { Name: "shell" } });
        Assert.Equal(2, plan.Actions.Count(a => a is { Kind: ActionKind.Create, Subject: NamespaceFileState { Namespace: "shell" } }));
        Assert.True(Pipeline.Plan(own.Build(), PlanSimulator.Apply(host, plan)).IsEmpty);
    }

    [Fact]
    public void A_change_of_the_hosts_resolver_rewrites_every_resolv_conf_that_copies_it()
    {
        var spec = new SpecBuilder("p").Network("lan", "10.1.0.0/24").Container("a", "lan").Container("b").Build();
        var host = Pipeline.Converge(spec, HostState.Empty with { HostResolvConf = ResolvConf.Parse("nameserver 192.168.1.1\n") });
        var moved = host with { HostResolvConf = ResolvConf.Parse("nameserver 192.168.1.2\nsearch corp.example\n") };
        // a asks the embedded server (search domains follow the host); b, only on the default bridge, asks the host's servers.
        Assert.Equal("~ file a/resolv.conf\n~ file b/resolv.conf", Pipeline.Lines(Pipeline.Plan(spec, moved)));
    }
}
