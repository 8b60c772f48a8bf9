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
    /// However many firewall actions the plan has for a table, they are applied in one nftables
    /// transaction, at its first firewall step: the kernel never holds half a firewall. When the
    /// table, a chain, a set or a rule changes (or the table is missing, e.g. after
    /// <c>nft flush ruleset</c>), the table is written whole from the plan's desired state, and the
    /// undo puts the old table back. When only elements change — a container or a port more or
    /// less — they are deleted and added, and the undo does the opposite: the cost follows the
    /// change, not the size of the table.
    /// </summary>
    private void ApplyFirewall(PlanAction action, Plan plan, Journal journal)
    {
        var table = FirewallTableState.TableOf(action.Subject) ?? throw new ArgumentException("not a firewall resource", nameof(action));
        if (!_firewallDone.Add(table)) return;
        var actions = plan.Actions.Where(a => FirewallTableState.TableOf(a.Subject) == table).ToList();
        if (DockerUser.Holds(action.Subject))
        {
            ApplyDockerUser(action, actions.Where(a => DockerUser.Holds(a.Subject)).ToList(), journal);
            return;
        }
        if (actions.All(a => a.Subject is FirewallElementState))
        {
            ApplyElements(action, table, actions, journal);
            return;
        }
        // The same table name in another family is topo's too: its table of before IPv6 (family ip),
        // deleted in the same transaction that writes the inet one, so the host never has both or neither.
        var families = actions.Select(a => a.Before).OfType<FirewallTableState>().Select(t => t.Family)
            .Append(RulesetBuilder.Family).Distinct(StringComparer.Ordinal).ToList();
        var before = families.Select(f => Nftables.ReadTable(f, table)).OfType<Ruleset>().ToList();
        var after = FirewallResources.ToRuleset(plan.Desired.Firewall, table);
        if (after is not null)
        {
            Nftables.Replace(after, families.Where(f => f != after.Family));
            journal.Record(action.Id, $"wrote firewall table {table} ({after.Rules.Length} rules, {after.Elements.Length} elements)",
                $"restore firewall table {table}", () => Restore(table, families, before));
        }
        else
        {
            Nftables.DeleteTables(families, table);
            journal.Record(action.Id, $"deleted firewall table {table}", $"restore firewall table {table}", () => Restore(table, families, before));
        }
    }

    /// <summary>Element changes of one table as one transaction: what goes, then what comes (a changed element is both).</summary>
    private void ApplyElements(PlanAction first, string table, List<PlanAction> actions, Journal journal)
    {
        var delete = new List<ElementSpec>();
        var add = new List<ElementSpec>();
        foreach (var a in actions)
        {
            if (a.Before is FirewallElementState gone && a.Kind != ActionKind.Create) delete.Add(FirewallResources.ToSpec(gone));
            if (a.After is FirewallElementState made) add.Add(FirewallResources.ToSpec(made));
        }
        var family = FirewallTableState.FamilyOf(first.Subject)!;
        Nftables.ApplyElements(family, table, delete, _options.Failpoints.Corrupted(add), $"change elements of table {table}");
        journal.Record(first.Id, $"changed firewall table {table}: {delete.Count} elements deleted, {add.Count} added",
            $"restore the elements of firewall table {table}",
            () => Nftables.ApplyElements(family, table, add, delete, $"restore elements of table {table}"));
    }

    /// <summary>topo's rules in Docker's chain: deleted and inserted one by one, in one transaction; Docker's own are not touched.</summary>
    private void ApplyDockerUser(PlanAction first, List<PlanAction> actions, Journal journal)
    {
        var gone = actions.Select(a => a.Before).OfType<FirewallRuleState>().ToList();
        var made = actions.Select(a => a.After).OfType<FirewallRuleState>().ToList();
        DockerUserChain.Change(Nftables, gone.Select(r => r.Comment), made);
        journal.Record(first.Id, $"changed Docker's chain {DockerUser.Chain}: {gone.Count} rules deleted, {made.Count} inserted",
            $"restore topo's rules in {DockerUser.Chain}",
            () => DockerUserChain.Change(Nftables, made.Select(r => r.Comment), gone));
    }

    /// <summary>The tables of this name as they were, in one transaction: those that were there written back, the others deleted.</summary>
    private void Restore(string table, List<string> families, List<Ruleset> before)
    {
        if (before.Count == 0)
        {
            Nftables.DeleteTables(families, table);
            return;
        }
        foreach (var (ruleset, i) in before.Select((r, i) => (r, i)))
            Nftables.Replace(ruleset, i == 0 ? families.Where(f => before.All(b => b.Family != f)) : []);
    }
}
