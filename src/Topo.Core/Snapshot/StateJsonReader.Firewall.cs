using System.Collections.Immutable;
using Topo.Core.Model;

namespace Topo.Core.Snapshot;

/// <summary>The optional <c>firewall</c> section: tables, chains, rules, sets and elements.</summary>
internal ref partial struct StateJsonReader
{
    private ImmutableArray<Resource> ReadFirewall()
    {
        ExpectStartObject("the firewall object");
        var all = ImmutableArray.CreateBuilder<Resource>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (NextProperty(seen, out var field))
        {
            switch (field)
            {
                case "tables": all.AddRange(ReadArray(static (ref StateJsonReader r) => r.ReadFirewallTable())); break;
                case "chains": all.AddRange(ReadArray(static (ref StateJsonReader r) => r.ReadFirewallChain())); break;
                case "rules": all.AddRange(ReadArray(static (ref StateJsonReader r) => r.ReadFirewallRule())); break;
                case "sets": all.AddRange(ReadArray(static (ref StateJsonReader r) => r.ReadFirewallSet())); break;
                case "elements": all.AddRange(ReadArray(static (ref StateJsonReader r) => r.ReadFirewallElement())); break;
                default: throw UnknownField(field, "tables, chains, rules, sets, elements");
            }
            Pop();
        }
        // A chain or set belongs to whoever owns its table.
        var owners = all.OfType<FirewallTableState>().ToDictionary(t => (t.Family, t.Name), t => t.Owner);
        return [.. all.Select(r => r switch
        {
            FirewallChainState c => c with { Owner = owners.GetValueOrDefault((c.Family, c.Table)) },
            FirewallSetState set => set with { Owner = owners.GetValueOrDefault((set.Family, set.Table)) },
            _ => r,
        })];
    }

    private FirewallTableState ReadFirewallTable()
    {
        var start = ExpectStartObject("a firewall table object");
        string? family = null, name = null;
        Label? label = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (NextProperty(seen, out var field))
        {
            switch (field)
            {
                case "family": family = ReadString(); break;
                case "name": name = ReadString(); break;
                case "label": label = ReadLabel(); break;
                default: throw UnknownField(field, "family, name, label");
            }
            Pop();
        }
        return new FirewallTableState(family ?? throw Missing("family", start), name ?? throw Missing("name", start)) { Owner = label };
    }

    private FirewallChainState ReadFirewallChain()
    {
        var start = ExpectStartObject("a firewall chain object");
        string? family = null, table = null, name = null, type = null, hook = null, policy = null;
        int? priority = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (NextProperty(seen, out var field))
        {
            switch (field)
            {
                case "family": family = ReadString(); break;
                case "table": table = ReadString(); break;
                case "name": name = ReadString(); break;
                case "type": type = ReadString(); break;
                case "hook": hook = ReadString(); break;
                case "priority": priority = ReadInt(); break;
                case "policy": policy = ReadString(); break;
                default: throw UnknownField(field, "family, table, name, type, hook, priority, policy");
            }
            Pop();
        }
        return new FirewallChainState(family ?? throw Missing("family", start), table ?? throw Missing("table", start), name ?? throw Missing("name", start))
        {
            Type = type ?? throw Missing("type", start),
            Hook = hook ?? throw Missing("hook", start),
            Priority = priority ?? throw Missing("priority", start),
            Policy = policy ?? throw Missing("policy", start),
        };
    }

    private FirewallRuleState ReadFirewallRule()
    {
        var start = ExpectStartObject("a firewall rule object");
        string? family = null, table = null, chain = null, comment = null, rule = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (NextProperty(seen, out var field))
        {
            switch (field)
            {
                case "family": family = ReadString(); break;
                case "table": table = ReadString(); break;
                case "chain": chain = ReadString(); break;
                case "comment": comment = ReadString(); break;
                case "rule": rule = ReadString(); break;
                default: throw UnknownField(field, "family, table, chain, comment, rule");
            }
            Pop();
        }
        var c = comment ?? throw Missing("comment", start);
        return new FirewallRuleState(family ?? throw Missing("family", start), table ?? throw Missing("table", start), chain ?? throw Missing("chain", start), c)
        {
            Rule = rule ?? throw Missing("rule", start),
            Owner = FirewallRuleState.OwnerOf(c),
        };
    }

    private FirewallSetState ReadFirewallSet()
    {
        var start = ExpectStartObject("a firewall set object");
        string? family = null, table = null, name = null, type = null, flags = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (NextProperty(seen, out var field))
        {
            switch (field)
            {
                case "family": family = ReadString(); break;
                case "table": table = ReadString(); break;
                case "name": name = ReadString(); break;
                case "type": type = ReadString(); break;
                case "flags": flags = ReadString(); break;
                default: throw UnknownField(field, "family, table, name, type, flags");
            }
            Pop();
        }
        return new FirewallSetState(family ?? throw Missing("family", start), table ?? throw Missing("table", start), name ?? throw Missing("name", start))
        {
            Type = type ?? throw Missing("type", start),
            Flags = flags,
        };
    }

    private FirewallElementState ReadFirewallElement()
    {
        var start = ExpectStartObject("a firewall element object");
        string? family = null, table = null, set = null, element = null, value = null, comment = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (NextProperty(seen, out var field))
        {
            switch (field)
            {
                case "family": family = ReadString(); break;
                case "table": table = ReadString(); break;
                case "set": set = ReadString(); break;
                case "element": element = ReadString(); break;
                case "value": value = ReadString(); break;
                case "comment": comment = ReadString(); break;
                default: throw UnknownField(field, "family, table, set, element, value, comment");
            }
            Pop();
        }
        var c = comment ?? throw Missing("comment", start);
        return new FirewallElementState(family ?? throw Missing("family", start), table ?? throw Missing("table", start),
            set ?? throw Missing("set", start), element ?? throw Missing("element", start))
        {
            Value = value,
            Comment = c,
            Owner = FirewallRuleState.OwnerOf(c),
        };
    }
}
