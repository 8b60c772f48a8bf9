namespace Topo.Core.Spec;

/// <summary>
/// A network's <c>dns:</c> — <c>true</c>/<c>false</c>, or a mapping <c>{enabled, ttl}</c> (a
/// mapping means enabled unless it says otherwise).
/// </summary>
internal static class DnsReader
{
    private static readonly string[] Keys = ["enabled", "ttl"];

    /// <summary>A day: longer answers outlive the containers they name (RFC 2181 allows far more; nothing here needs it).</summary>
    public const int MaxTtl = 86_400;

    private const string DefaultBridgeHasNone =
        "dns: the default bridge has no embedded DNS, as in Docker (every project's containers share it); " +
        "put the containers that should find each other by name on a user-defined network";

    public static void Read(NetworkDraft n, YNode value, DiagnosticBag bag)
    {
        if (value is YScalar { Kind: ScalarKind.Bool })
        {
            if (NodeReader.Bool(value, "dns", bag, out var on)) n.Dns = on;
            if (on && n.Name == BuiltIns.Bridge) bag.Error(value, DefaultBridgeHasNone);
            return;
        }
        if (value is not YMapping map)
        {
            bag.Error(value, $"dns: expected true, false or a mapping {{enabled, ttl}}, got {NodeReader.Describe(value)}");
            return;
        }
        n.Dns = true;
        YNode? ttlNode = null;
        foreach (var (key, v) in map.Entries)
        {
            switch (key.Value)
            {
                case "enabled": if (NodeReader.Bool(v, "dns.enabled", bag, out var on)) n.Dns = on; break;
                case "ttl":
                    ttlNode = v;
                    if (!NodeReader.Int(v, "dns.ttl", bag, out var ttl)) break;
                    if (ttl is < 0 or > MaxTtl) bag.Error(v, $"dns.ttl: {ttl} is out of range; expected seconds from 0 to {MaxTtl}");
                    else n.DnsTtl = (uint)ttl;
                    break;
                default: bag.Error(key, KeySuggester.UnknownKeyMessage("key", key.Value, Keys)); break;
            }
        }
        if (n.Dns == true && n.Name == BuiltIns.Bridge) bag.Error(value, DefaultBridgeHasNone);
        if (n.Dns == false && ttlNode is not null)
            bag.Error(ttlNode, "dns.ttl: has no effect with dns disabled (enabled: false); remove one of them");
    }
}
