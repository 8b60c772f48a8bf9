using Topo.Core.Firewall;
using Topo.Core.Model;
using Topo.Core.Resolution;
using Topo.Core.Spec;

namespace Topo.Core.Tests.Firewall;

/// <summary>Topologies for firewall tests, written as YAML (the loader is the user's way in) and resolved.</summary>
internal static class FirewallTopologies
{
    public static Topology Resolve(string yaml)
    {
        var loaded = SpecLoader.Parse(yaml, "test.yaml");
        Assert.False(loaded.HasErrors, string.Join("\n", loaded.Diagnostics));
        var result = Resolver.Resolve(loaded.File!, HostState.Empty, new ResolveOptions { AssumeParentsExist = true });
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Topology!;
    }

    public static Ruleset Build(string yaml) => RulesetBuilder.Build(Resolve(yaml));

    /// <summary>The rule with this description (see <see cref="Describe"/>), or a failure that lists the rules there are.</summary>
    public static RuleSpec Rule(this Ruleset ruleset, string description) =>
        ruleset.FindByDescription(description) ?? throw new Xunit.Sdk.XunitException(
            $"no rule \"{description}\"; the table has:\n  " + string.Join("\n  ", ruleset.Rules.Select(Describe)));

    public static RuleSpec? FindByDescription(this Ruleset ruleset, string description) =>
        ruleset.Rules.FirstOrDefault(r => Describe(r) == description);

    /// <summary>
    /// A rule as a sentence: its comment without the owner label, with the network named
    /// ("masquerade network front"), so tests read the same whatever the project is called.
    /// </summary>
    public static string Describe(RuleSpec rule)
    {
        var space = rule.Comment.IndexOf(' ');
        var owner = FirewallRuleState.OwnerOf(rule.Comment);
        if (owner is null) return rule.Comment;
        var what = rule.Comment[(space + 1)..];
        if (owner is not { Role: LabelRole.Network } n) return what;
        return what switch
        {
            "masquerade loopback" => $"masquerade loopback to network {n.Name}",
            "no direct routing in" => $"no direct routing into network {n.Name}",
            _ when what.StartsWith("internal: ", StringComparison.Ordinal) => $"internal network {n.Name}: {what["internal: ".Length..]}",
            _ => $"{what} network {n.Name}",
        };
    }

    public static string Bridge(this Topology topology, string network) => topology.FindNetwork(network)!.BridgeName!;
}
