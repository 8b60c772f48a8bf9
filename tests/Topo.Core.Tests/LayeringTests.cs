using System.Text.RegularExpressions;
using Topo.Core.Tests.Support;
using Xunit;

namespace Topo.Core.Tests;

/// <summary>
/// The pipeline's layers inside Topo.Core depend one way: each folder may use only the layers
/// listed for it. A cycle (resolution calling the firewall that reads resolution's output) is how
/// one decision ends up made twice; this fails the build's tests before it can come back.
/// </summary>
public sealed partial class LayeringTests
{
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Addressing"] = [],
        ["Hashing"] = [],
        ["Json"] = [],
        ["Errors"] = [],
        ["Spec"] = ["Addressing", "Model"],
        ["Model"] = ["Addressing"],
        ["Snapshot"] = ["Addressing", "Errors", "Firewall", "Json", "Model"],
        ["Resolution"] = ["Addressing", "Hashing", "Model", "Spec"],
        ["Firewall"] = ["Addressing", "Model", "Resolution", "Spec"],
        ["Dns"] = ["Addressing", "Model", "Resolution", "Spec"],
        ["Composition"] = ["Dns", "Firewall", "Model", "Resolution", "Spec"],
        ["Inventory"] = ["Addressing", "Firewall", "Hashing", "Model", "Resolution", "Spec"],
        ["Planning"] = ["Addressing", "Composition", "Dns", "Firewall", "Model", "Resolution", "Spec"],
        ["Rendering"] = ["Json", "Model", "Planning"],
        ["Host"] = ["Errors", "Model", "Planning"],
    };

    private static string CoreDirectory => Path.Combine(Golden.RepositoryRoot, "src", "Topo.Core");

    [Fact]
    public void Every_layer_uses_only_the_layers_below_it()
    {
        var typesByLayer = Allowed.Keys.ToDictionary(l => l, l => TypeNames(Files(l)));
        var violations = new List<string>();
        foreach (var (layer, allowed) in Allowed)
            foreach (var file in Files(layer))
                foreach (var used in LayersUsed(File.ReadAllText(file), typesByLayer))
                    if (used != layer && !allowed.Contains(used))
                        violations.Add($"{Path.GetRelativePath(Golden.RepositoryRoot, file)} uses {used}");
        Assert.True(violations.Count == 0, "layering broken:\n" + string.Join("\n", violations.Distinct()));
    }

    [Fact]
    public void Every_folder_of_the_core_has_its_place_in_the_layering()
    {
        var folders = Directory.GetDirectories(CoreDirectory).Select(Path.GetFileName)
            .Where(f => f is not ("bin" or "obj")).ToList();
        Assert.All(folders, f => Assert.True(Allowed.ContainsKey(f!), $"src/Topo.Core/{f} is not in LayeringTests.Allowed: say what it may use"));
    }

    [Fact]
    public void The_check_sees_a_qualified_name_a_using_and_a_full_name_but_not_comments_or_members()
    {
        var types = new Dictionary<string, HashSet<string>> { ["Firewall"] = ["DockerUser"], ["Dns"] = ["DnsViews"] };
        Assert.Equal(["Firewall"], LayersUsed("var x = Firewall.DockerUser.Holds(r);", types));
        Assert.Equal(["Dns"], LayersUsed("using Topo.Core.Dns;\n", types));
        Assert.Equal(["Dns"], LayersUsed("var t = Topo.Core.Dns.DnsViews.DefaultTtl;", types));
        Assert.Empty(LayersUsed("/// <see cref=\"Firewall.DockerUser\"/>\n// Firewall.DockerUser\nvar n = state.Firewall.Length + Firewall.Length;", types));
    }

    private static IEnumerable<string> Files(string layer) =>
        Directory.EnumerateFiles(Path.Combine(CoreDirectory, layer), "*.cs", SearchOption.AllDirectories);

    private static HashSet<string> TypeNames(IEnumerable<string> files) =>
        [.. files.SelectMany(f => TypeDeclaration().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))];

    private static List<string> LayersUsed(string source, IReadOnlyDictionary<string, HashSet<string>> typesByLayer)
    {
        var code = string.Join('\n', source.Split('\n').Select(l => l.Contains("//") ? l[..l.IndexOf("//", StringComparison.Ordinal)] : l));
        var used = new SortedSet<string>(StringComparer.Ordinal);
        foreach (Match m in FullName().Matches(code)) used.Add(m.Groups[1].Value);
        foreach (Match m in QualifiedName().Matches(code))
            if (typesByLayer.TryGetValue(m.Groups[1].Value, out var types) && types.Contains(m.Groups[2].Value))
                used.Add(m.Groups[1].Value);
        return [.. used];
    }

    [GeneratedRegex(@"\b(?:class|record|struct|enum|interface)\s+(\w+)")]
    private static partial Regex TypeDeclaration();

    [GeneratedRegex(@"Topo\.Core\.(\w+)")]
    private static partial Regex FullName();

    // "Firewall.DockerUser": a layer's name then one of its types, not after a dot (state.Firewall.X is a member).
    [GeneratedRegex(@"(?<![.\w])(\w+)\.(\w+)")]
    private static partial Regex QualifiedName();
}
