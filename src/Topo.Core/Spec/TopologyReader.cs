using System.Collections.Immutable;

namespace Topo.Core.Spec;

/// <summary>Reads the top level of a topology file: version, name, networks, containers.</summary>
internal static class TopologyReader
{
    public static readonly string[] Keys = ["version", "name", "networks", "containers"];
    public const int Version = 1;

    /// <summary>What was read, good or not, so the semantic checks can still run over it.</summary>
    internal sealed record Draft(int Version, string Name, List<NetworkDraft> Networks, List<ContainerSpec> Containers, SourceSpan Span);

    public static Draft? Read(YNode? root, DiagnosticBag bag)
    {
        if (root is null or YScalar { Kind: ScalarKind.Null })
        {
            bag.Error(new SourceSpan(bag.File, 1, 1), "the file is empty; a topology file needs at least 'version: 1' and 'name:'");
            return null;
        }
        if (root is not YMapping map)
        {
            bag.Error(root, $"the top level must be a mapping with version, name, networks and containers, got {NodeReader.Describe(root)}");
            return null;
        }

        int? version = null;
        string? name = null;
        var networks = new List<NetworkDraft>();
        var containers = new List<ContainerSpec>();
        foreach (var (key, v) in map.Entries)
        {
            switch (key.Value)
            {
                case "version":
                    if (NodeReader.Int(v, "version", bag, out var ver))
                    {
                        version = ver;
                        if (ver != Version) bag.Error(v, $"version: topo knows format version {Version} only, got {ver}");
                    }
                    else version = Version;
                    break;
                case "name":
                    name = NodeReader.String(v, "name", bag);
                    if (name is not null && NameRules.DnsLabel(name) is { } reason)
                        bag.Error(v, $"project name '{name}' is not valid: {reason}");
                    name ??= "";
                    break;
                case "networks":
                    if (NodeReader.Mapping(v, "networks", bag) is { } nets)
                        foreach (var (netName, body) in nets.Entries) ReadNetwork(netName, body, networks, bag);
                    break;
                case "containers":
                    if (NodeReader.Mapping(v, "containers", bag) is { } cons)
                        foreach (var (conName, body) in cons.Entries)
                        {
                            if (NameRules.ContainerName(conName.Value) is { } bad)
                                bag.Error(conName, $"container name '{conName.Value}' is not valid: {bad}");
                            containers.Add(ContainerReader.Read(conName, body, bag));
                        }
                    break;
                default:
                    bag.Error(key, KeySuggester.UnknownKeyMessage("key", key.Value, Keys));
                    break;
            }
        }
        if (version is null) bag.Error(bag.At(map), "missing 'version: 1' at the top level");
        if (name is null) bag.Error(bag.At(map), "missing 'name:', the project name that owns everything topo creates");
        return new Draft(version ?? Version, name ?? "", networks, containers, bag.At(map));
    }

    private static void ReadNetwork(YScalar name, YNode body, List<NetworkDraft> into, DiagnosticBag bag)
    {
        if (name.Value is BuiltIns.Host or BuiltIns.None)
        {
            bag.Error(name, $"network '{name.Value}' is built in and cannot be declared; give a container network_mode: {name.Value} instead");
            return;
        }
        if (NameRules.DnsLabel(name.Value) is { } reason)
            bag.Error(name, $"network name '{name.Value}' is not valid: {reason}");
        into.Add(NetworkReader.Read(name, body, bag));
    }

    public static TopologyFile ToFile(Draft d, string path) => new(
        path, d.Version, d.Name,
        d.Networks.Select(n => n.ToSpec()).ToImmutableArray(),
        [.. d.Containers],
        d.Span);
}
