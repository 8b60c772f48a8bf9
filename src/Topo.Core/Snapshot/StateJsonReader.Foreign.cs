using System.Collections.Immutable;
using System.Text.Json;
using Topo.Core.Firewall;
using Topo.Core.Model;

namespace Topo.Core.Snapshot;

/// <summary>
/// The optional <c>foreign_firewall</c> section: other tables' chains and rules on the hooks topo's
/// traffic passes, so a plan from a snapshot finds the drops a plan on the host finds.
/// </summary>
internal ref partial struct StateJsonReader
{
    private ImmutableArray<ForeignTable> ReadForeignFirewall() => ReadArray(static (ref StateJsonReader r) => r.ReadForeignTable());

    private ForeignTable ReadForeignTable()
    {
        var start = ExpectStartObject("a foreign table object");
        string? family = null, name = null;
        var chains = ImmutableArray<ForeignChain>.Empty;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (NextProperty(seen, out var field))
        {
            switch (field)
            {
                case "family": family = ReadString(); break;
                case "name": name = ReadString(); break;
                case "chains": chains = ReadArray(static (ref StateJsonReader r) => r.ReadForeignChain()); break;
                default: throw UnknownField(field, "family, name, chains");
            }
            Pop();
        }
        return new ForeignTable(family ?? throw Missing("family", start), name ?? throw Missing("name", start), chains);
    }

    private ForeignChain ReadForeignChain()
    {
        var start = ExpectStartObject("a foreign chain object");
        string? name = null, type = null, hook = null, policy = null;
        int? priority = null;
        var rules = ImmutableArray<ForeignRule>.Empty;
        var devices = ImmutableArray<string>.Empty;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (NextProperty(seen, out var field))
        {
            switch (field)
            {
                case "name": name = ReadString(); break;
                case "devices": devices = ReadArray(static (ref StateJsonReader r) => r.ReadString()); break;
                case "type": type = ReadString(); break;
                case "hook": hook = ReadString(); break;
                case "priority": priority = ReadInt(); break;
                case "policy": policy = ReadString(); break;
                case "rules": rules = ReadArray(static (ref StateJsonReader r) => r.ReadForeignRule()); break;
                default: throw UnknownField(field, "name, type, hook, priority, policy, devices, rules");
            }
            Pop();
        }
        if (hook is not null && (type is null || policy is null)) throw Error("a base chain (with a hook) needs its type and policy", start);
        return new ForeignChain(name ?? throw Missing("name", start), hook, priority ?? 0, policy, rules) { Type = type, Devices = devices };
    }

    private ForeignRule ReadForeignRule()
    {
        var start = ExpectStartObject("a foreign rule object");
        long? handle = null;
        string? expr = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (NextProperty(seen, out var field))
        {
            switch (field)
            {
                case "handle":
                    if (_reader.TokenType != JsonTokenType.Number || !_reader.TryGetInt64(out var h)) throw Error($"expected an integer, found {Describe()}");
                    handle = h;
                    break;
                case "expr":
                    // libnftables' JSON statements, kept as they are listed (the walk reads them).
                    if (_reader.TokenType != JsonTokenType.StartArray) throw Error($"expected an array of nftables statements, found {Describe()}");
                    using (var doc = JsonDocument.ParseValue(ref _reader)) expr = NftJson.Canonical(doc.RootElement);
                    break;
                default: throw UnknownField(field, "handle, expr");
            }
            Pop();
        }
        return new ForeignRule(handle ?? throw Missing("handle", start), expr ?? throw Missing("expr", start));
    }
}
