using Topo.Core.Composition;
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
        var result = DesiredHost.Resolve(loaded.File!, HostState.Empty, new ResolveOptions { AssumeParentsExist = true });
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Topology!;
    }

    public static Ruleset Build(string yaml) => RulesetBuilder.Build(Resolve(yaml));

    /// <summary>The rule whose comment ends with this (the owner label is the table's), or a failure listing the rules there are.</summary>
    public static RuleSpec Rule(this Ruleset ruleset, string what) =>
        ruleset.Rules.FirstOrDefault(r => r.Comment.EndsWith(" " + what, StringComparison.Ordinal)) ?? throw new Xunit.Sdk.XunitException(
            $"no rule \"{what}\"; the table has:\n  " + string.Join("\n  ", ruleset.Rules.Select(r => r.Comment)));

    /// <summary>The elements of one set, as nft prints them: <c>KEY</c> or <c>KEY : VALUE</c>.</summary>
    public static List<string> Elements(this Ruleset ruleset, string set) =>
        [.. ruleset.Elements.Where(e => e.Set == set).Select(e => e.ValueText is null ? e.KeyText : $"{e.KeyText} : {e.ValueText}").Order(StringComparer.Ordinal)];

    /// <summary>The element of a set with this key, or a failure listing the set's elements.</summary>
    public static ElementSpec Element(this Ruleset ruleset, string set, string key) =>
        ruleset.Elements.FirstOrDefault(e => e.Set == set && e.KeyText == key) ?? throw new Xunit.Sdk.XunitException(
            $"no element {key} in {set}; it has:\n  " + string.Join("\n  ", ruleset.Elements(set)));

    public static string Bridge(this Topology topology, string network) => topology.FindNetwork(network)!.BridgeName!;
}
