using System.Globalization;

namespace Topo.Core.Spec;

/// <summary>
/// Folds Docker's driver options (<c>docker network create -o KEY=VALUE</c>) into the fields
/// with the same meaning, so a Docker command line translates one to one. A key topo cannot honour
/// is an error, never silently dropped: the user would believe it took effect.
/// </summary>
internal static class DockerOptions
{
    public const string BridgeName = "com.docker.network.bridge.name";
    public const string EnableIcc = "com.docker.network.bridge.enable_icc";
    public const string EnableMasquerade = "com.docker.network.bridge.enable_ip_masquerade";
    public const string Mtu = "com.docker.network.driver.mtu";
    public const string HostBindingIpv4 = "com.docker.network.bridge.host_binding_ipv4";
    public const string Parent = "parent";
    public const string MacvlanMode = "macvlan_mode";
    /// <summary>What <c>docker network create --ipv6</c> stores in the network's options.</summary>
    public const string EnableIpv6 = "com.docker.network.enable_ipv6";

    public static readonly string[] Supported = [BridgeName, EnableIcc, EnableMasquerade, Mtu, HostBindingIpv4, Parent, MacvlanMode, EnableIpv6];

    public static void Fold(NetworkDraft n, YMapping options, DiagnosticBag bag)
    {
        foreach (var (key, value) in options.Entries)
        {
            if (value is not YScalar { Kind: not ScalarKind.Null } scalar)
            {
                bag.Error(value, $"option {key.Value}: expected a string, got {NodeReader.Describe(value)}");
                continue;
            }
            var text = scalar.Value;
            n.Options[key.Value] = text;
            switch (key.Value)
            {
                case BridgeName:
                    Set(n, "bridge_name", text, n.BridgeName, v => n.BridgeName = v, key, scalar, bag);
                    break;
                case EnableIcc:
                    if (ParseBool(key, scalar, bag) is { } icc) Set(n, "icc", icc, n.Icc, v => n.Icc = v, key, scalar, bag);
                    break;
                case EnableMasquerade:
                    if (ParseBool(key, scalar, bag) is { } masq) Set(n, "masquerade", masq, n.Masquerade, v => n.Masquerade = v, key, scalar, bag);
                    break;
                case EnableIpv6:
                    if (ParseBool(key, scalar, bag) is { } v6)
                    {
                        if (n.Positions.TryGetValue("enable_ipv6", out var where) && n.EnableIpv6 != v6)
                            bag.Error(scalar, $"option {key.Value} is '{text}' but enable_ipv6 is {(n.EnableIpv6 ? "true" : "false")} (line {where.Line}); give the setting once");
                        else
                        {
                            n.EnableIpv6 = v6;
                            n.Positions["enable_ipv6"] = bag.At(scalar);
                        }
                    }
                    break;
                case Mtu:
                    if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var mtu))
                        Set(n, "mtu", mtu, n.Mtu, v => n.Mtu = v, key, scalar, bag);
                    else bag.Error(scalar, $"option {key.Value}: '{text}' is not a whole number");
                    break;
                case HostBindingIpv4:
                    if (Addressing.Ipv4Address.TryParse(text, out var ip))
                    {
                        n.HostBindingIpv4 = ip;
                        n.Positions["host_binding_ipv4"] = bag.At(scalar);
                    }
                    else bag.Error(scalar, $"option {key.Value}: '{text}' is not an IPv4 address");
                    break;
                case Parent:
                    Set(n, "parent", text, n.Parent, v => n.Parent = v, key, scalar, bag);
                    break;
                case MacvlanMode:
                    if (Enums.MacvlanMode(text) is { } mode) Set(n, "mode", mode, n.Mode, v => n.Mode = v, key, scalar, bag);
                    else bag.Error(scalar, $"option {key.Value}: unknown macvlan mode '{text}'; expected {Enums.MacvlanModes}");
                    break;
                default:
                    Unsupported(key, bag);
                    break;
            }
        }
    }

    private static void Unsupported(YScalar key, DiagnosticBag bag)
    {
        if (key.Value.StartsWith("com.docker.", StringComparison.Ordinal))
        {
            var suggestion = KeySuggester.Suggest(key.Value, Supported);
            bag.Error(key, suggestion is not null
                ? $"unknown option '{key.Value}'; did you mean '{suggestion}'?"
                : $"option '{key.Value}' is not supported by topo; remove it (supported: {string.Join(", ", Supported)})");
        }
        else
        {
            // Docker's drivers ignore keys they do not know; topo keeps them but says so.
            bag.Warning(key, $"option '{key.Value}' means nothing to topo and is ignored");
        }
    }

    /// <summary>A field given directly and through an option must agree; the option is reported.</summary>
    private static void Set<T>(NetworkDraft n, string field, T value, T? current, Action<T> assign, YScalar key, YScalar at, DiagnosticBag bag)
        where T : struct
    {
        if (current is { } existing && n.Positions.TryGetValue(field, out var where))
        {
            if (!EqualityComparer<T>.Default.Equals(existing, value))
                bag.Error(at, $"option {key.Value} is '{at.Value}' but {field} is {Show(existing)} (line {where.Line}); give the setting once");
            return;
        }
        assign(value);
        n.Positions[field] = bag.At(at);
    }

    private static void Set(NetworkDraft n, string field, string value, string? current, Action<string> assign, YScalar key, YScalar at, DiagnosticBag bag)
    {
        if (current is not null && n.Positions.TryGetValue(field, out var where))
        {
            if (current != value)
                bag.Error(at, $"option {key.Value} is '{value}' but {field} is '{current}' (line {where.Line}); give the setting once");
            return;
        }
        assign(value);
        n.Positions[field] = bag.At(at);
    }

    private static string Show<T>(T value) => value switch
    {
        bool b => b ? "true" : "false",
        Enum e => e.ToString().ToLowerInvariant(),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>Docker parses option booleans with Go's strconv.ParseBool; accept the same spellings.</summary>
    private static bool? ParseBool(YScalar key, YScalar value, DiagnosticBag bag)
    {
        switch (value.Value)
        {
            case "1" or "t" or "T" or "true" or "True" or "TRUE": return true;
            case "0" or "f" or "F" or "false" or "False" or "FALSE": return false;
            default:
                bag.Error(value, $"option {key.Value}: expected \"true\" or \"false\", got '{value.Value}'");
                return null;
        }
    }
}
