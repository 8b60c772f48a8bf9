using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Topo.Core.Firewall;
using Topo.Core.Model;

namespace Topo.Linux.Nftables;

/// <summary>
/// topo's rules in Docker's <c>ip filter DOCKER-USER</c> chain (<see cref="DockerUser"/>): read
/// with their handles, and changed rule by rule — never the table whole, which is Docker's.
/// A table iptables-legacy made is not seen by nftables at all, and so not here either.
/// </summary>
public static class DockerUserChain
{
    /// <summary>One of topo's rules in the chain (its comment starts with a topo label).</summary>
    public sealed record Entry(long Handle, string Comment, string Expression);

    /// <summary>topo's rules in the chain; null when there is no such chain.</summary>
    public static ImmutableArray<Entry>? Read(NftablesClient client)
    {
        if (!client.ListTables().Contains((DockerUser.Family, DockerUser.Table))) return null;
        string output;
        try
        {
            output = client.Run($"list chain {DockerUser.Family} {DockerUser.Table} {DockerUser.Chain}");
        }
        catch (NftablesException)
        {
            return null;   // the table without the chain: Docker is not (or no longer) there
        }
        var entries = ImmutableArray.CreateBuilder<Entry>();
        using var doc = JsonDocument.Parse(output);
        foreach (var item in doc.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (!item.TryGetProperty("rule", out var rule) || !rule.TryGetProperty("comment", out var comment)) continue;
            var text = comment.GetString() ?? "";
            if (FirewallRuleState.OwnerOf(text) is null) continue;   // Docker's, or a user's
            entries.Add(new Entry(rule.GetProperty("handle").GetInt64(), text, NftJson.Canonical(rule.GetProperty("expr"))));
        }
        return entries.ToImmutable();
    }

    /// <summary>What the observer sees: topo's rules there as resources.</summary>
    public static IEnumerable<Resource> Resources(ImmutableArray<Entry> entries) =>
        entries.Select(e => new FirewallRuleState(DockerUser.Family, DockerUser.Table, DockerUser.Chain, e.Comment)
        {
            Rule = NftText.Render(e.Expression), Expression = e.Expression, Owner = FirewallRuleState.OwnerOf(e.Comment),
        });

    /// <summary>
    /// Deletes the rules with these comments and inserts these rules at the top (Docker ends the
    /// chain with RETURN), in one transaction.
    /// </summary>
    public static void Change(NftablesClient client, IEnumerable<string> delete, IEnumerable<FirewallRuleState> insert)
    {
        var present = Read(client) ?? throw new NftablesException(
            $"change chain {DockerUser.Table} {DockerUser.Chain}", "Docker's chain is gone (dockerd stopped or restarting?)", -1);
        var gone = delete.ToHashSet(StringComparer.Ordinal);
        var batch = new StringBuilder();
        var chain = $"{DockerUser.Family} {DockerUser.Table} {DockerUser.Chain}";
        foreach (var e in present.Where(e => gone.Contains(e.Comment)))
            batch.Append("delete rule ").Append(chain).Append(" handle ").Append(e.Handle).Append('\n');
        foreach (var r in insert)
            batch.Append("insert rule ").Append(chain).Append(' ').Append(r.Rule).Append(" comment ").Append(NftText.Quote(r.Comment)).Append('\n');
        if (batch.Length > 0) client.Run(batch.ToString());
    }
}
