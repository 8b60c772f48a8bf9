namespace Topo.Core.Spec;

/// <summary>Reads one entry of <c>networks:</c> into a <see cref="NetworkDraft"/>; shape checks only.</summary>
internal static class NetworkReader
{
    public static readonly string[] Keys =
        ["driver", "enable_ipv6", "subnet", "gateway", "ip_range", "aux_addresses", "internal", "icc", "masquerade", "mtu", "bridge_name", "dns", "parent", "mode", "options"];

    public static NetworkDraft Read(YScalar name, YNode value, DiagnosticBag bag)
    {
        var n = new NetworkDraft(name.Value, bag.At(name));
        if (NodeReader.Mapping(value, $"network '{name.Value}'", bag) is not { } map) return n;
        YMapping? options = null;
        foreach (var (key, v) in map.Entries)
        {
            var field = key.Value;
            var known = true;
            switch (field)
            {
                case "driver":
                    if (NodeReader.String(v, field, bag) is { } d)
                    {
                        if (Enums.Driver(d) is { } driver) n.Driver = driver;
                        else
                        {
                            n.DriverKnown = false;
                            bag.Error(v, $"driver: unknown driver '{d}'; topo supports {Enums.Drivers}");
                        }
                    }
                    else n.DriverKnown = false;
                    break;
                case "enable_ipv6": if (NodeReader.Bool(v, field, bag, out var v6)) n.EnableIpv6 = v6; break;
                case "subnet" or "ip_range":
                    foreach (var (node, prefix) in PerFamily(v, field, static (x, f, b) => NodeReader.AnyPrefix(x, f, b), p => p.IsV6, bag))
                    {
                        if (!prefix.IsV6)
                        {
                            if (field == "subnet") n.Subnet = prefix.V4; else n.IpRange = prefix.V4;
                            n.Positions[field] = bag.At(node);
                        }
                        else
                        {
                            if (field == "subnet") n.Ipv6Subnet = prefix.V6; else n.Ipv6Range = prefix.V6;
                            n.Positions[NetworkSpec.Ipv6Field(field)] = bag.At(node);
                        }
                    }
                    break;
                case "gateway":
                    foreach (var (node, address) in PerFamily(v, field, static (x, f, b) => NodeReader.AnyAddress(x, f, b), a => a.IsV6, bag))
                    {
                        if (address.IsV6) n.Ipv6Gateway = address.V6; else n.Gateway = address.V4;
                        n.Positions[address.IsV6 ? NetworkSpec.Ipv6Field(field) : field] = bag.At(node);
                    }
                    break;
                case "aux_addresses": ReadAux(n, v, bag); break;
                case "internal": if (NodeReader.Bool(v, field, bag, out var i)) n.Internal = i; break;
                case "icc": if (NodeReader.Bool(v, field, bag, out var icc)) n.Icc = icc; break;
                case "masquerade": if (NodeReader.Bool(v, field, bag, out var m)) n.Masquerade = m; break;
                case "dns": DnsReader.Read(n, v, bag); break;
                case "mtu": if (NodeReader.Int(v, field, bag, out var mtu)) n.Mtu = mtu; break;
                case "bridge_name": n.BridgeName = NodeReader.String(v, field, bag); break;
                case "parent": n.Parent = NodeReader.String(v, field, bag); break;
                case "mode":
                    if (NodeReader.String(v, field, bag) is { } mode)
                    {
                        n.Mode = Enums.MacvlanMode(mode);
                        if (n.Mode is null) bag.Error(v, $"mode: unknown macvlan mode '{mode}'; expected {Enums.MacvlanModes}");
                    }
                    break;
                case "options": options = NodeReader.Mapping(v, "options", bag, allowNull: false); break;
                case "ipam":
                    known = false;
                    bag.Error(key, "unknown key 'ipam'; topo writes IPAM settings flat: put subnet, gateway, ip_range and aux_addresses directly under the network");
                    break;
                default:
                    known = false;
                    bag.Error(key, KeySuggester.UnknownKeyMessage("key", field, Keys));
                    break;
            }
            if (known) n.Positions.TryAdd(field, bag.At(v));
        }
        if (options is not null) DockerOptions.Fold(n, options, bag);
        return n;
    }

    /// <summary>
    /// <c>subnet</c>, <c>gateway</c>, <c>ip_range</c>: one value, or a list of at most one per family
    /// (Docker's <c>--subnet</c> given twice). Each parsed value with the node it came from.
    /// </summary>
    private static List<(YNode Node, T Value)> PerFamily<T>(YNode value, string field,
        Func<YNode, string, DiagnosticBag, T?> parse, Func<T, bool> isV6, DiagnosticBag bag)
        where T : struct
    {
        var items = value is YSequence seq ? seq.Items : [value];
        if (value is YSequence && items.Count == 0)
            bag.Error(value, $"{field}: the list is empty; give one IPv4 and/or one IPv6 value, or leave {field} out");
        var result = new List<(YNode, T)>();
        foreach (var item in items)
        {
            if (parse(item, field, bag) is not { } parsed) continue;
            var twin = result.FindIndex(r => isV6(r.Item2) == isV6(parsed));
            if (twin >= 0)
            {
                var family = isV6(parsed) ? "IPv6" : "IPv4";
                bag.Error(item, $"{field}: a second {family} value ({parsed}; the first is {result[twin].Item2} at line {result[twin].Item1.Line}); a network has at most one {field} per family");
                continue;
            }
            result.Add((item, parsed));
        }
        return result;
    }

    private static void ReadAux(NetworkDraft n, YNode value, DiagnosticBag bag)
    {
        if (NodeReader.Mapping(value, "aux_addresses", bag, allowNull: false) is not { } map) return;
        foreach (var (key, v) in map.Entries)
        {
            if (NodeReader.AnyAddress(v, $"aux_addresses.{key.Value}", bag) is { } address)
                n.Aux.Add(new AuxAddress(key.Value, address, bag.At(v)));
        }
    }
}
