using System.Text;
using Topo.Core.Firewall;
using Topo.Core.Model;

namespace Topo.Core.Tests.Firewall;

/// <summary>A foreign table written as libnftables lists it (nft -j list table), parsed as the observer does.</summary>
internal static class ForeignListing
{
    /// <summary>A chain: name, hook (null: regular), policy, rules (expr JSON arrays); type and priority of a base chain.</summary>
    /// <param name="Devices">An ingress chain's devices, as newer libnftables lists them ("dev").</param>
    internal sealed record Chain(string Name, string? Hook, string Policy, string[] Rules, string Type = "filter", int Priority = 0, string[]? Devices = null);

    public static ForeignTable Table(string family, string name, params Chain[] chains)
    {
        var items = new List<string> { $$$"""{"table":{"family":"{{{family}}}","name":"{{{name}}}","handle":1}}""" };
        var handle = 2;
        foreach (var c in chains)
        {
            items.Add(c.Hook is { } hook
                ? $$$"""{"chain":{"family":"{{{family}}}","table":"{{{name}}}","name":"{{{c.Name}}}","handle":{{{handle++}}},"type":"{{{c.Type}}}","hook":"{{{hook}}}","prio":{{{c.Priority}}},"policy":"{{{c.Policy}}}"{{{Dev(c)}}}}}"""
                : $$$"""{"chain":{"family":"{{{family}}}","table":"{{{name}}}","name":"{{{c.Name}}}","handle":{{{handle++}}}}}""");
            foreach (var r in c.Rules)
                items.Add($$$"""{"rule":{"family":"{{{family}}}","table":"{{{name}}}","chain":"{{{c.Name}}}","handle":{{{handle++}}},"expr":{{{r}}}}}""");
        }
        var json = "{\"nftables\":[" + string.Join(",", items) + "]}";
        return ForeignTableJson.Parse(Encoding.UTF8.GetBytes(json), family, name)!;
    }

    private static string Dev(Chain c) => c.Devices is null ? "" : ",\"dev\":[" + string.Join(",", c.Devices.Select(d => $"\"{d}\"")) + "]";

    public const string Established = """[{"match":{"op":"in","left":{"ct":{"key":"state"}},"right":["established","related"]}},{"accept":null}]""";
    public const string DnatAccept = """[{"match":{"op":"in","left":{"ct":{"key":"status"}},"right":"dnat"}},{"accept":null}]""";
    public const string Drop = """[{"counter":null},{"drop":null}]""";

    public static string Iif(string name) => $$$"""[{"match":{"op":"==","left":{"meta":{"key":"iifname"}},"right":"{{{name}}}"}},{"accept":null}]""";

    public static string Oif(string name) => $$$"""[{"match":{"op":"==","left":{"meta":{"key":"oifname"}},"right":"{{{name}}}"}},{"accept":null}]""";
}
