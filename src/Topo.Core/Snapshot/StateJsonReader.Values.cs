using System.Collections.Immutable;
using System.Text.Json;
using Topo.Core.Addressing;
using Topo.Core.Model;

namespace Topo.Core.Snapshot;

/// <summary>Values: arrays, strings, names, numbers, enumerations, labels, addresses.</summary>
internal ref partial struct StateJsonReader
{
    private ImmutableArray<T> ReadArray<T>(ItemReader<T> item)
    {
        if (_reader.TokenType == JsonTokenType.Null) return [];
        if (_reader.TokenType != JsonTokenType.StartArray) throw Error("expected an array");
        var builder = ImmutableArray.CreateBuilder<T>();
        var keys = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; Next() && _reader.TokenType != JsonTokenType.EndArray; i++)
        {
            _path.Add($"[{i}]");
            var start = _reader.TokenStartIndex;
            var value = item(ref this);
            // Two objects with one identity would make the planner's diff ambiguous.
            if (value is Resource r && !keys.TryAdd(r.Key, i))
                throw Error($"duplicate {r.Kind.ToString().ToLowerInvariant()} \"{r.Key}\" (also at index {keys[r.Key]})", start);
            builder.Add(value);
            Pop();
        }
        return builder.ToImmutable();
    }

    private T? ReadOptional<T>(ItemReader<T> value) where T : struct =>
        _reader.TokenType == JsonTokenType.Null ? null : value(ref this);

    private string ReadString()
    {
        if (_reader.TokenType != JsonTokenType.String) throw Error($"expected a string, found {Describe()}");
        return _reader.GetString()!;
    }

    private string ReadName()
    {
        var name = ReadString();
        if (name.Length == 0) throw Error("a name cannot be empty");
        return name;
    }

    private string? ReadOptionalName() => _reader.TokenType == JsonTokenType.Null ? null : ReadName();

    /// <summary>The host namespace is written by leaving <c>namespace</c> out (or null), never as a name.</summary>
    private string ReadNamespaceField()
    {
        if (_reader.TokenType == JsonTokenType.Null) return HostState.Host;
        var ns = ReadString();
        if (ns.Length == 0) throw Error("the host namespace is written by leaving out \"namespace\", not as \"\"");
        return ns;
    }

    private int ReadInt()
    {
        if (_reader.TokenType != JsonTokenType.Number || !_reader.TryGetInt32(out var value))
            throw Error($"expected an integer, found {Describe()}");
        return value;
    }

    private int? ReadOptionalInt() => _reader.TokenType == JsonTokenType.Null ? null : ReadInt();

    private bool ReadBool() => _reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => throw Error($"expected true or false, found {Describe()}"),
    };

    private T ReadEnum<T>() where T : struct, Enum
    {
        var text = ReadString();
        return Names.TryParse<T>(text, out var value) ? value : throw Error($"\"{text}\" is not one of {Names.List<T>()}");
    }

    private Label? ReadLabel()
    {
        if (_reader.TokenType == JsonTokenType.Null) return null;
        var text = ReadString();
        return Label.TryParse(text, out var label)
            ? label
            : throw Error($"\"{text}\" is not a topo label (topo:<project>:<network|endpoint|container|parent>:<name>)");
    }

    /// <summary>An IPv4 or IPv6 prefix; "default" is IPv4's (IPv6's is written "::/0").</summary>
    private IpPrefix ReadPrefix()
    {
        var text = ReadString();
        if (text == "default") return new Ipv4Prefix(Ipv4Address.Any, 0);
        return IpPrefix.TryParse(text, out var prefix) ? prefix : throw Error($"\"{text}\" is not an IP prefix (a.b.c.d/len or an IPv6 address/len)");
    }

    private IpAddress ReadIpAddress()
    {
        var text = ReadString();
        return IpAddress.TryParse(text, out var address) ? address : throw Error($"\"{text}\" is not an IPv4 or IPv6 address");
    }

    private MacAddress ReadMac()
    {
        var text = ReadString();
        return MacAddress.TryParse(text, out var mac) ? mac : throw Error($"\"{text}\" is not a MAC address (xx:xx:xx:xx:xx:xx)");
    }
}
