namespace Topo.Core.Spec;

/// <summary>Reads one entry of <c>networks:</c> into a <see cref="NetworkDraft"/>; shape checks only.</summary>
internal static class NetworkReader
{
    public static readonly string[] Keys =
        ["driver", "subnet", "gateway", "ip_range", "aux_addresses", "internal", "icc", "masquerade", "mtu", "bridge_name", "dns", "parent", "mode", "options"];

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
                case "subnet": n.Subnet = NodeReader.Prefix(v, field, bag); break;
                case "gateway": n.Gateway = NodeReader.Address(v, field, bag); break;
                case "ip_range": n.IpRange = NodeReader.Prefix(v, field, bag); break;
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
            if (known) n.Positions[field] = bag.At(v);
        }
        if (options is not null) DockerOptions.Fold(n, options, bag);
        return n;
    }

    private static void ReadAux(NetworkDraft n, YNode value, DiagnosticBag bag)
    {
        if (NodeReader.Mapping(value, "aux_addresses", bag, allowNull: false) is not { } map) return;
        foreach (var (key, v) in map.Entries)
        {
            if (NodeReader.Address(v, $"aux_addresses.{key.Value}", bag) is { } address)
                n.Aux.Add(new AuxAddress(key.Value, address, bag.At(v)));
        }
    }
}
