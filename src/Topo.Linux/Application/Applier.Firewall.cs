using Topo.Core.Firewall;
using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Linux.Nftables;

namespace Topo.Linux.Application;

public sealed partial class Applier
{
    private NftablesClient? _nftables;
    private bool _ownsNftables;
    private readonly HashSet<string> _firewallDone = [];

    /// <summary>
    /// libnftables waits on its socket with select(), which aborts the process when the fd is
    /// 1024 or more; a command with hundreds of namespaces open must hand in a client it opened
    /// early (<see cref="UseNftables"/>). Opened here only as a fallback.
    /// </summary>
    private NftablesClient Nftables
    {
        get
        {
            if (_nftables is null)
            {
                _nftables = new NftablesClient(_sessions.Thread, _sessions.Host);
                _ownsNftables = true;
            }
            return _nftables;
        }
    }

    /// <summary>Applies firewall changes through this client (opened while file descriptors were still low).</summary>
    public void UseNftables(NftablesClient client)
    {
        if (_ownsNftables) _nftables?.Dispose();
        _nftables = client;
        _ownsNftables = false;
    }

    /// <summary>
    /// However many rule, chain and table actions the plan has for a table, the table is written
    /// once, whole, in one nftables transaction: the kernel never holds half a firewall. The first
    /// firewall step does it (from the plan's desired state); the undo puts the old table back.
    /// </summary>
    private void ApplyFirewall(PlanAction action, Plan plan, Journal journal)
    {
        var table = action.Subject switch
        {
            FirewallTableState t => t.Name,
            FirewallChainState c => c.Table,
            FirewallRuleState r => r.Table,
            _ => throw new ArgumentException("not a firewall resource", nameof(action)),
        };
        if (!_firewallDone.Add(table)) return;
        var before = Nftables.ReadTable(RulesetBuilder.Family, table);
        var after = FirewallResources.ToRuleset(plan.Desired.Firewall, table);
        if (after is not null)
        {
            Nftables.Replace(after);
            journal.Record(action.Id, $"wrote firewall table {table} ({after.Rules.Length} rules)", $"restore firewall table {table}",
                () => Restore(table, before));
        }
        else
        {
            Nftables.DeleteTable(RulesetBuilder.Family, table);
            journal.Record(action.Id, $"deleted firewall table {table}", $"restore firewall table {table}", () => Restore(table, before));
        }
    }

    private void Restore(string table, Ruleset? before)
    {
        if (before is not null) Nftables.Replace(before);
        else Nftables.DeleteTable(RulesetBuilder.Family, table);
    }
}
