using System.Collections.Immutable;
using System.Text.Json;
using Topo.Core.Model;

namespace Topo.Core.Snapshot;

/// <summary>The optional <c>files</c> (namespace configuration files) and <c>resolv_conf</c> (the host's resolver) sections.</summary>
internal ref partial struct StateJsonReader
{
    private NamespaceFileState ReadFile()
    {
        var start = ExpectStartObject("a file object");
        string? ns = null, name = null, content = null;
        Label? label = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (NextProperty(seen, out var field))
        {
            switch (field)
            {
                case "namespace": ns = ReadName(); break;
                case "name": name = ReadFileName(); break;
                case "label": label = ReadLabel(); break;
                case "content": content = ReadString(); break;
                default: throw UnknownField(field, "namespace, name, label, content");
            }
            Pop();
        }
        return new NamespaceFileState(
            ns ?? throw Missing("namespace", start), name ?? throw Missing("name", start), content ?? throw Missing("content", start))
        {
            Owner = label,
        };
    }

    /// <summary>A file name inside /etc/netns/NS: one path component.</summary>
    private string ReadFileName()
    {
        var name = ReadName();
        if (name is "." or ".." || name.Contains('/') || name.Contains('\0')) throw Error($"\"{name}\" is not a file name (one path component)");
        return name;
    }

    private ResolvConf ReadResolvConf()
    {
        ExpectStartObject("the resolv_conf object");
        ImmutableArray<string> nameservers = [], search = [], options = [];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (NextProperty(seen, out var field))
        {
            switch (field)
            {
                case "nameservers": nameservers = ReadStrings(); break;
                case "search": search = ReadStrings(); break;
                case "options": options = ReadStrings(); break;
                default: throw UnknownField(field, "nameservers, search, options");
            }
            Pop();
        }
        return new ResolvConf(nameservers, search, options);
    }

    private ImmutableArray<string> ReadStrings()
    {
        if (_reader.TokenType == JsonTokenType.Null) return [];
        if (_reader.TokenType != JsonTokenType.StartArray) throw Error($"expected an array of strings, found {Describe()}");
        var builder = ImmutableArray.CreateBuilder<string>();
        for (var i = 0; Next() && _reader.TokenType != JsonTokenType.EndArray; i++)
        {
            _path.Add($"[{i}]");
            builder.Add(ReadName());
            Pop();
        }
        return builder.ToImmutable();
    }
}
