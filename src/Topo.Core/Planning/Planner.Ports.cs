using Topo.Core.Addressing;
using Topo.Core.Model;
using Topo.Core.Spec;

namespace Topo.Core.Planning;

public static partial class Planner
{
    private sealed partial class PlanRun
    {
        /// <summary>
        /// A host port another project already publishes cannot be published again: the first
        /// table's DNAT would win and this project's port would silently go elsewhere. Read from
        /// the rule comments topo writes (<c>… publish 0.0.0.0:80/tcp to web:80</c>), the ones for
        /// connections from the host (<c>… from host</c>) included: a port published on 127.0.0.1
        /// has no other. As within one file, 0.0.0.0 collides with any address (per protocol).
        /// </summary>
        public void CheckPublishedPorts()
        {
            var ours = PublishedPorts(Desired.Firewall, _ => true).Distinct().ToList();
            if (ours.Count == 0) return;
            var theirs = PublishedPorts(Observed.Firewall, table => table != FirewallTableState.NameFor(Project)).Distinct().ToList();
            foreach (var mine in ours)
            {
                var clash = theirs.FirstOrDefault(t => t.Port == mine.Port && t.Protocol == mine.Protocol &&
                    (t.Address == mine.Address || t.Address == Ipv4Address.Any || mine.Address == Ipv4Address.Any));
                if (clash.Owner is null) continue;
                Errors.Add(Diagnostic.Error(null,
                    $"host port {mine.Address}:{mine.Port}/{mine.Protocol} (container '{mine.Owner?.Name}') is already published by " +
                    $"project '{clash.Owner.Project}' (container '{clash.Owner.Name}' on {clash.Address}:{clash.Port}/{clash.Protocol}); choose another host port"));
            }
        }

        private static IEnumerable<(Ipv4Address Address, int Port, string Protocol, Label? Owner)> PublishedPorts(
            IEnumerable<Resource> firewall, Func<string, bool> tableFilter)
        {
            const string marker = " publish ";
            foreach (var rule in firewall.OfType<FirewallRuleState>())
            {
                if (!tableFilter(rule.Table)) continue;
                var at = rule.Comment.IndexOf(marker, StringComparison.Ordinal);
                if (at < 0) continue;
                var mapping = rule.Comment[(at + marker.Length)..].Split(' ')[0]; // 0.0.0.0:80/tcp
                var colon = mapping.LastIndexOf(':');
                var slash = mapping.IndexOf('/');
                if (colon < 0 || slash < colon || !Ipv4Address.TryParse(mapping[..colon], out var address) ||
                    !int.TryParse(mapping[(colon + 1)..slash], out var port)) continue;
                yield return (address, port, mapping[(slash + 1)..], rule.Owner);
            }
        }
    }
}
