using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Snapshot;
using Topo.Core.Tests.Support;

namespace Topo.Core.Tests.Planning;

public sealed class FirewallPlanningTests
{
    private static readonly Label Table = new("shop", LabelRole.Firewall, "shop");

    private static HostState Firewall(params Resource[] extra) => HostState.Empty with
    {
        Firewall =
        [
            new FirewallTableState("ip", "topo-shop") { Owner = Table },
            new FirewallChainState("ip", "topo-shop", "forward") { Type = "filter", Hook = "forward", Priority = 0, Policy = "accept", Owner = Table },
            new FirewallRuleState("ip", "topo-shop", "forward", "topo:shop:network:back isolate")
            {
                Rule = "iifname \"br-1\" oifname != \"br-1\" drop",
                Owner = FirewallRuleState.OwnerOf("topo:shop:network:back isolate"),
            },
            .. extra,
        ],
    };

    [Fact]
    public void A_rule_that_differs_is_updated_in_place_and_grouped_under_its_network()
    {
        var observed = Firewall();
        var rule = observed.Firewall.OfType<FirewallRuleState>().Single();
        var desired = observed with { Firewall = observed.Firewall.Replace(rule, rule with { Rule = "iifname \"br-1\" oifname != \"br-1\" counter drop" }) };
        var plan = Planner.Plan("shop", desired, observed).Plan!;
        var action = Assert.Single(plan.Actions);
        Assert.Equal(ActionKind.Update, action.Kind);
        Assert.Equal(new PlanGroup("network", "back"), PlanGroup.Of(action.Subject));
        Assert.Equal("firewall rule ip topo-shop forward \"topo:shop:network:back isolate\"", action.Subject.Display);
    }

    [Fact]
    public void Destroy_deletes_the_table_and_lets_its_chains_sets_rules_and_elements_go_with_it()
    {
        var set = new FirewallSetState("ip", "topo-shop", "external") { Type = "ifname", Owner = Table };
        var element = new FirewallElementState("ip", "topo-shop", "external", "\"br-1\"")
        {
            Comment = "topo:shop:network:back isolated", Owner = FirewallRuleState.OwnerOf("topo:shop:network:back isolated"),
        };
        var plan = Planner.Plan("shop", HostState.Empty, Firewall(set, element)).Plan!;
        var action = Assert.Single(plan.Actions);
        Assert.IsType<FirewallTableState>(action.Before);
        Assert.True(PlanSimulator.Apply(Firewall(set, element), plan).Firewall.IsEmpty);
    }

    /// <summary>
    /// A container more or less changes elements only: no rule, set or chain is in the plan, so
    /// the applier changes elements in one transaction instead of writing the table.
    /// </summary>
    [Fact]
    public void A_container_more_or_less_changes_only_elements_grouped_under_it()
    {
        static SpecBuilder Shop(bool withApi)
        {
            var spec = new SpecBuilder("shop").Network("front", "10.30.0.0/24").Publishing("web", "front", "8080:80");
            return withApi ? spec.Publishing("api", "front", "9000-9010:9000-9010") : spec;
        }
        var host = Pipeline.Converge(Shop(withApi: false).Build());
        var plan = Planner.Plan("shop", Pipeline.Resolve(Shop(withApi: true).Build(), host).Desired, host).Plan!;
        var firewall = plan.Actions.Where(a => FirewallTableState.TableOf(a.Subject) is not null).ToList();
        Assert.All(firewall, a => Assert.Equal(ActionKind.Create, a.Kind));
        Assert.All(firewall, a => Assert.IsType<FirewallElementState>(a.Subject));
        Assert.All(firewall, a => Assert.Equal(new PlanGroup("container", "api"), PlanGroup.Of(a.Subject)));
        Assert.Equal(["hairpin-self", "publish-range", "published"], firewall.Select(a => ((FirewallElementState)a.Subject).Set).Order());
        Assert.Equal("publish 0.0.0.0:9000-9010/tcp to api:9000-9010", firewall.Single(a => a.Subject is FirewallElementState { Set: "publish-range" }).Reason);

        var back = Pipeline.Converge(Shop(withApi: true).Build());
        var removal = Planner.Plan("shop", Pipeline.Resolve(Shop(withApi: false).Build(), back).Desired, back).Plan!;
        Assert.Equal(3, removal.Actions.Count(a => a is { Kind: ActionKind.Delete, Subject: FirewallElementState }));
        Assert.DoesNotContain(removal.Actions, a => a.Subject is FirewallRuleState or FirewallSetState or FirewallChainState or FirewallTableState);
    }

    /// <summary>
    /// topo's table of before IPv6 (family ip, same name) is the project's: the plan deletes it and
    /// creates the inet one, and its chains, sets, rules and elements go with it (no action each).
    /// </summary>
    [Fact]
    public void The_old_ip_table_is_deleted_and_the_inet_one_created()
    {
        var spec = new SpecBuilder("shop").Network("front", "10.30.0.0/24").Publishing("web", "front", "8080:80").Build();
        var host = Pipeline.Converge(spec);
        var legacy = host with
        {
            Firewall = [.. host.Firewall.Select(r => r switch
            {
                FirewallTableState t => t with { Family = "ip" },
                FirewallChainState c => c with { Family = "ip" },
                FirewallSetState set => set with { Family = "ip" },
                FirewallRuleState rule => rule with { Family = "ip" },
                FirewallElementState e => e with { Family = "ip" },
                _ => r,
            })],
        };
        var plan = Planner.Plan("shop", Pipeline.Resolve(spec, legacy).Desired, legacy).Plan!;
        var deleted = Assert.Single(plan.Actions, a => a.Kind == ActionKind.Delete);
        Assert.Equal("firewall table ip topo-shop", deleted.Subject.Display);
        Assert.Contains(plan.Actions, a => a is { Kind: ActionKind.Create, Subject: FirewallTableState { Family: "inet" } });
        var converged = PlanSimulator.Apply(legacy, plan);
        Assert.All(converged.Firewall, r => Assert.Equal("inet", FirewallTableState.FamilyOf(r)));
        Assert.True(Planner.Plan("shop", Pipeline.Resolve(spec, converged).Desired, converged).Plan!.IsEmpty);
    }

    [Fact]
    public void Another_projects_table_is_never_touched()
    {
        var other = new FirewallTableState("ip", "topo-other") { Owner = new Label("other", LabelRole.Firewall, "other") };
        var plan = Planner.Plan("shop", HostState.Empty, Firewall(other)).Plan!;
        Assert.DoesNotContain(plan.Actions, a => a.Subject == other);
    }

    [Fact]
    public void The_snapshot_carries_the_firewall_and_reads_it_back()
    {
        var state = Firewall();
        var json = StateJson.Write(state);
        Assert.Contains("\"firewall\"", json);
        var back = StateJson.Read(json);
        Assert.Equal(state.Firewall.Select(r => (r.Key, r.Owner)), back.Firewall.Select(r => (r.Key, r.Owner)));
        Assert.True(Planner.Plan("shop", state, back).Plan!.IsEmpty);
        Assert.DoesNotContain("firewall", StateJson.Write(HostState.Empty));
    }
}

public sealed class PublishedPortConflictTests
{
    private static HostState Publishing(string project, string container, string mapping) => HostState.Empty with
    {
        Firewall =
        [
            new FirewallTableState("ip", $"topo-{project}") { Owner = new Label(project, LabelRole.Firewall, project) },
            new FirewallElementState("ip", $"topo-{project}", "publish", $"{mapping} key")
            {
                Value = "172.17.0.2 . 80",
                Comment = $"topo:{project}:container:{container} publish {mapping} to {container}:80",
                Owner = new Label(project, LabelRole.Container, container),
            },
        ],
    };

    [Theory]
    [InlineData("0.0.0.0:80/tcp", "0.0.0.0:80/tcp", true)]
    [InlineData("0.0.0.0:80/tcp", "127.0.0.1:80/tcp", true)]   // the wildcard covers every address
    [InlineData("10.0.0.1:80/tcp", "10.0.0.2:80/tcp", false)]  // different host addresses
    [InlineData("0.0.0.0:80/tcp", "0.0.0.0:80/udp", false)]    // different protocols
    [InlineData("0.0.0.0:80/tcp", "0.0.0.0:8080/tcp", false)]
    [InlineData("0.0.0.0:8000-8100/tcp", "0.0.0.0:8100/tcp", true)]   // a range covers its ports
    [InlineData("0.0.0.0:8050/tcp", "0.0.0.0:8000-8100/tcp", true)]
    [InlineData("0.0.0.0:8000-8100/tcp", "0.0.0.0:8101-8200/tcp", false)]
    public void A_host_port_another_project_publishes_is_refused_naming_it(string theirs, string ours, bool clash)
    {
        var observed = Publishing("shop", "web", theirs);
        var desired = Publishing("blog", "wordpress", ours);
        var result = Planner.Plan("blog", desired, observed);
        Assert.Equal(clash, !result.Succeeded);
        if (clash) Assert.Contains("already published by project 'shop' (container 'web'", Assert.Single(result.Errors).Message);
    }

    /// <summary>
    /// The elements RulesetBuilder really writes: a port on 127.0.0.1 is in the publish map (used
    /// only for connections from the host), and it must still be seen as published.
    /// </summary>
    [Theory]
    [InlineData("8080:80", "127.0.0.1:8080:80", true)]
    [InlineData("127.0.0.1:8080:80", "8080:80", true)]
    [InlineData("127.0.0.1:8080:80", "127.0.0.1:8080:80", true)]
    [InlineData("127.0.0.1:8080:80", "127.0.0.2:8080:80", false)]
    [InlineData("8080:80", "127.0.0.1:8080:80/udp", false)]
    [InlineData("127.0.0.1:8080:80/udp", "8080:80/udp", true)]
    [InlineData("8000-8100:8000-8100", "8080:80", true)]
    [InlineData("8000-8100:9000-9100", "127.0.0.1:8100:80", true)]
    [InlineData("8000-8100:8000-8100", "8101-8102:8101-8102", false)]
    public void A_port_published_on_the_loopback_collides_with_another_projects_wildcard_per_protocol(string first, string second, bool clash)
    {
        var host = Pipeline.Converge(new SpecBuilder("hp3").Publishing("web", "bridge", first).Build());
        var spec = new SpecBuilder("hp4").Publishing("api", "bridge", second).Build();
        var result = Planner.Plan("hp4", Pipeline.Resolve(spec, host).Desired, host);
        Assert.Equal(clash, !result.Succeeded);
        if (clash)
            Assert.Contains("already published by project 'hp3' (container 'web'", Assert.Single(result.Errors).Message);
    }
}
