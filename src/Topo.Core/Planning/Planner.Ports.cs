using System.Globalization;
using Topo.Core.Addressing;
using Topo.Core.Firewall;
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
        /// the comments of the elements of the publish maps (<c>… publish 0.0.0.0:80/tcp to web:80</c>,
        /// <c>… publish 0.0.0.0:8000-8100/tcp to web:8000-8100</c>), which serve connections from
        /// other machines, containers and the host alike. As within one file, 0.0.0.0 collides with
        /// any address (per protocol), and ranges collide when they overlap.
        /// </summary>
        public void CheckPublishedPorts()
        {
            // Other projects' ports first: usually there are none, and then this project's thousands
            // of comments need not be parsed.
            var theirs = PublishedPorts(Observed.Firewall, table => table != FirewallTableState.NameFor(Project)).Distinct().ToList();
            if (theirs.Count == 0) return;
            var ours = PublishedPorts(Desired.Firewall, _ => true).Distinct().ToList();
            if (ours.Count == 0) return;
            foreach (var mine in ours)
            {
                var clash = theirs.FirstOrDefault(t => t.First <= mine.Last && mine.First <= t.Last && t.Protocol == mine.Protocol &&
                    t.Address.IsV6 == mine.Address.IsV6 && (t.Address == mine.Address || IsAny(t.Address) || IsAny(mine.Address)));
                if (clash.Owner is null) continue;
                Errors.Add(Diagnostic.Error(null,
                    $"host port {Host(mine.Address)}:{PortSpec.Range(mine.First, mine.Last)}/{mine.Protocol} (container '{mine.Owner?.Name}') is already published by " +
                    $"project '{clash.Owner.Project}' (container '{clash.Owner.Name}' on {Host(clash.Address)}:{PortSpec.Range(clash.First, clash.Last)}/{clash.Protocol}); choose another host port"));
            }
        }

        private static bool IsAny(IpAddress address) => address.IsV6 ? address.V6 == Ipv6Address.Any : address.V4 == Ipv4Address.Any;

        /// <summary>As the element comments write it: <c>0.0.0.0</c>, <c>[::]</c>.</summary>
        private static string Host(IpAddress address) => address.IsV6 ? $"[{address}]" : address.ToString();

        private static IEnumerable<(IpAddress Address, int First, int Last, string Protocol, Label? Owner)> PublishedPorts(
            IEnumerable<Resource> firewall, Func<string, bool> tableFilter)
        {
            const string marker = " publish ";
            foreach (var r in firewall)
            {
                if (r is not FirewallElementState { Set: FirewallSets.Publish or FirewallSets.PublishRange or FirewallSets.Publish6 or FirewallSets.PublishRange6 } element ||
                    !tableFilter(element.Table)) continue;
                var at = element.Comment.IndexOf(marker, StringComparison.Ordinal);
                if (at < 0) continue;
                var mapping = element.Comment[(at + marker.Length)..].Split(' ')[0]; // 0.0.0.0:80/tcp, 0.0.0.0:8000-8100/tcp, [::]:80/tcp
                var colon = mapping.LastIndexOf(':');
                var slash = mapping.IndexOf('/');
                if (colon < 0 || slash < colon || !IpAddress.TryParse(mapping[..colon].Trim('[', ']'), out var address)) continue;
                var ports = mapping[(colon + 1)..slash];
                var dash = ports.IndexOf('-');
                if (!int.TryParse(dash < 0 ? ports : ports[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var first)) continue;
                var last = first;
                if (dash >= 0 && !int.TryParse(ports[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out last)) continue;
                yield return (address, first, last, mapping[(slash + 1)..], element.Owner);
            }
        }
    }
}
