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

    /// <summary>The rule with this comment, or a failure that lists the comments there are.</summary>
    public static RuleSpec Rule(this Ruleset ruleset, string comment) =>
        ruleset.FindRule(comment) ?? throw new Xunit.Sdk.XunitException(
            $"no rule \"{comment}\"; the table has:\n  " + string.Join("\n  ", ruleset.Rules.Select(r => r.Comment)));

    public static string Bridge(this Topology topology, string network) => topology.FindNetwork(network)!.BridgeName!;
}
