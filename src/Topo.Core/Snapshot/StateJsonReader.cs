using System.Collections.Immutable;
using System.Text.Json;
using Topo.Core.Addressing;
using Topo.Core.Model;

namespace Topo.Core.Snapshot;

/// <summary>
/// A strict, streaming reader of the snapshot format. It walks <see cref="Utf8JsonReader"/> by
/// hand (no reflection, AOT-safe) so that every error can name the JSON path and the line of
/// the token at fault. Unknown fields are errors: a typo must not silently mean "absent".
/// </summary>
internal ref partial struct StateJsonReader
{
    private readonly ReadOnlySpan<byte> _utf8;
    private readonly List<string> _path = [];
    private Utf8JsonReader _reader;

    public StateJsonReader(ReadOnlySpan<byte> utf8)
    {
        _utf8 = utf8;
        _reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 32 });
    }

    private delegate T ItemReader<T>(ref StateJsonReader reader);

    /// <summary>
    /// First pass over the top level only: a wrong format or version must be reported as such,
    /// not as the unknown fields a future version would bring.
    /// </summary>
    public void CheckHeader()
    {
        Next();
        ExpectStartObject("the snapshot object");
        string? format = null;
        int? version = null;
        long formatAt = 0, versionAt = 0;
        while (Next() && _reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = _reader.GetString()!;
            Next();
            if (name == "format")
            {
                _path.Add(".format");
                (format, formatAt) = (ReadString(), _reader.TokenStartIndex);
                Pop();
            }
            else if (name == "version")
            {
                _path.Add(".version");
                (version, versionAt) = (ReadInt(), _reader.TokenStartIndex);
                Pop();
            }
            else
            {
                Skip();
            }
        }
        if (format is null) throw Error($"missing \"format\": a snapshot starts with \"format\": \"{StateJson.Format}\"", 0);
        _path.Add(".format");
        if (format != StateJson.Format) throw Error($"format is \"{format}\", expected \"{StateJson.Format}\"", formatAt);
        _path[0] = ".version";
        if (version is null) throw Error($"missing \"version\" (this topo reads version {StateJson.Version})", 0);
        if (version != StateJson.Version)
            throw Error($"unsupported snapshot version {version}: this topo reads version {StateJson.Version}", versionAt);
    }

    public HostState ReadDocument()
    {
        Next();
        ExpectStartObject("the snapshot object");
        var namespaces = ImmutableArray<NamespaceState>.Empty;
        var links = ImmutableArray<LinkState>.Empty;
        var addresses = ImmutableArray<AddressState>.Empty;
        var routes = ImmutableArray<RouteState>.Empty;
        var sysctls = ImmutableArray<SysctlState>.Empty;
        var firewall = ImmutableArray<Resource>.Empty;
        var files = ImmutableArray<NamespaceFileState>.Empty;
        var resolvConf = ResolvConf.Empty;
        var dockerUserChain = false;
        var foreign = ImmutableArray<ForeignTable>.Empty;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (NextProperty(seen, out var name))
        {
            switch (name)
            {
                case "format": ReadString(); break; // checked by CheckHeader
                case "version": ReadInt(); break;
                case "namespaces": namespaces = ReadArray(static (ref StateJsonReader r) => r.ReadNamespace()); break;
                case "links": links = ReadArray(static (ref StateJsonReader r) => r.ReadLink()); break;
                case "addresses": addresses = ReadArray(static (ref StateJsonReader r) => r.ReadAddress()); break;
                case "routes": routes = ReadArray(static (ref StateJsonReader r) => r.ReadRoute()); break;
                case "sysctls": sysctls = ReadArray(static (ref StateJsonReader r) => r.ReadSysctl()); break;
                case "firewall": firewall = ReadFirewall(); break;
                case "files": files = ReadArray(static (ref StateJsonReader r) => r.ReadFile()); break;
                case "resolv_conf": resolvConf = ReadResolvConf(); break;
                case "docker_user_chain": dockerUserChain = ReadBool(); break;
                case "foreign_firewall": foreign = ReadForeignFirewall(); break;
                default: throw UnknownField(name, "format, version, namespaces, links, addresses, routes, sysctls, firewall, files, resolv_conf, docker_user_chain, foreign_firewall");
            }
            Pop();
        }
        // Trailing content after the root value makes the reader throw, with its position.
        if (Next()) throw Error("unexpected content after the snapshot object", _reader.TokenStartIndex);
        return new HostState(namespaces, links, addresses, routes, sysctls) {
            Firewall = firewall, Files = files, HostResolvConf = resolvConf, DockerUserChain = dockerUserChain, ForeignFirewall = foreign,
        };
    }

    private NamespaceState ReadNamespace()
    {
        var start = ExpectStartObject("a namespace object");
        string? name = null, sharesWith = null;
        Label? label = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (NextProperty(seen, out var field))
        {
            switch (field)
            {
                case "name": name = ReadName(); break;
                case "shares_with": sharesWith = ReadOptionalName(); break;
                case "label": label = ReadLabel(); break;
                default: throw UnknownField(field, "name, shares_with, label");
            }
            Pop();
        }
        return new NamespaceState(name ?? throw Missing("name", start), sharesWith) { Owner = label };
    }

    private AddressState ReadAddress()
    {
        var start = ExpectStartObject("an address object");
        string ns = HostState.Host;
        string? link = null;
        IpPrefix? address = null;
        Label? label = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (NextProperty(seen, out var field))
        {
            switch (field)
            {
                case "namespace": ns = ReadNamespaceField(); break;
                case "link": link = ReadName(); break;
                case "address": address = ReadPrefix(); break;
                case "label": label = ReadLabel(); break;
                default: throw UnknownField(field, "namespace, link, address, label");
            }
            Pop();
        }
        return new AddressState(ns, link ?? throw Missing("link", start), address ?? throw Missing("address", start)) { Owner = label };
    }

    private RouteState ReadRoute()
    {
        var start = ExpectStartObject("a route object");
        string ns = HostState.Host;
        IpPrefix? destination = null;
        int metric = 0;
        IpAddress? gateway = null;
        string? device = null;
        Label? label = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (NextProperty(seen, out var field))
        {
            switch (field)
            {
                case "namespace": ns = ReadNamespaceField(); break;
                case "destination": destination = ReadPrefix(); break;
                case "metric": metric = ReadInt(); break;
                case "gateway": gateway = ReadOptional(static (ref StateJsonReader r) => r.ReadIpAddress()); break;
                case "device": device = ReadOptionalName(); break;
                case "label": label = ReadLabel(); break;
                default: throw UnknownField(field, "namespace, destination, metric, gateway, device, label");
            }
            Pop();
        }
        return new RouteState(ns, destination ?? throw Missing("destination", start), metric)
        {
            Gateway = gateway,
            Device = device,
            Owner = label,
        };
    }

    private SysctlState ReadSysctl()
    {
        var start = ExpectStartObject("a sysctl object");
        string ns = HostState.Host;
        string? name = null, value = null;
        Label? label = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (NextProperty(seen, out var field))
        {
            switch (field)
            {
                case "namespace": ns = ReadNamespaceField(); break;
                case "name": name = ReadName(); break;
                case "value": value = ReadString(); break;
                case "label": label = ReadLabel(); break;
                default: throw UnknownField(field, "namespace, name, value, label");
            }
            Pop();
        }
        return new SysctlState(ns, name ?? throw Missing("name", start), value ?? throw Missing("value", start)) { Owner = label };
    }

    private LinkRef ReadLinkRef()
    {
        var start = ExpectStartObject("a link reference {\"namespace\", \"name\"}");
        string ns = HostState.Host;
        string? name = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (NextProperty(seen, out var field))
        {
            switch (field)
            {
                case "namespace": ns = ReadNamespaceField(); break;
                case "name": name = ReadName(); break;
                default: throw UnknownField(field, "namespace, name");
            }
            Pop();
        }
        return new LinkRef(ns, name ?? throw Missing("name", start));
    }

    // ---- structure ----

    /// <summary>Advances; syntax errors become <see cref="StateFormatException"/> with the reader's position.</summary>
    private bool Next()
    {
        try
        {
            return _reader.Read();
        }
        catch (JsonException e)
        {
            throw new StateFormatException(
                Plain(e.Message), PathText, (e.LineNumber ?? 0) + 1, (e.BytePositionInLine ?? 0) + 1, e);
        }
    }

    private void Skip()
    {
        try
        {
            _reader.Skip();
        }
        catch (JsonException e)
        {
            throw new StateFormatException(
                Plain(e.Message), PathText, (e.LineNumber ?? 0) + 1, (e.BytePositionInLine ?? 0) + 1, e);
        }
    }

    private long ExpectStartObject(string what)
    {
        if (_reader.TokenType != JsonTokenType.StartObject) throw Error($"expected {what}, found {Describe()}");
        return _reader.TokenStartIndex;
    }

    /// <summary>Moves to the next property's value and pushes its name on the path; false at the end of the object.</summary>
    private bool NextProperty(HashSet<string> seen, out string name)
    {
        Next();
        if (_reader.TokenType == JsonTokenType.EndObject)
        {
            name = "";
            return false;
        }
        name = _reader.GetString()!;
        _path.Add("." + name);
        if (!seen.Add(name)) throw Error($"\"{name}\" appears twice");
        Next();
        return true;
    }

    private void Pop() => _path.RemoveAt(_path.Count - 1);

    private readonly string PathText => "$" + string.Concat(_path);

    private readonly string Describe() => _reader.TokenType switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => _reader.TokenType.ToString(),
    };

    private readonly StateFormatException UnknownField(string name, string known) =>
        Error($"unknown field \"{name}\" (known fields: {known})");

    private readonly StateFormatException Missing(string name, long objectStart)
    {
        return Error($"missing required field \"{name}\"", objectStart);
    }

    private readonly StateFormatException Error(string problem) => Error(problem, _reader.TokenStartIndex);

    private readonly StateFormatException Error(string problem, long offset)
    {
        // Line and column from the byte offset: Utf8JsonReader keeps its line count private.
        var before = _utf8[..(int)Math.Min(offset, _utf8.Length)];
        var line = before.Count((byte)'\n') + 1;
        var column = before.Length - (before.LastIndexOf((byte)'\n') + 1) + 1;
        return new StateFormatException(problem, PathText, line, column);
    }

    /// <summary>The reader's messages end with its own "LineNumber: 3 | BytePositionInLine: 4." — ours says that already.</summary>
    private static string Plain(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd();
    }
}
