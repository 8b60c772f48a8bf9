using Topo.Core.Model;
using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.Messages;

namespace Topo.Linux.Observation;

/// <summary>
/// Whose a named namespace is: the label on its loopback's alias (set when topo made it), or
/// null for a namespace topo did not make. The one rule for the observer and for <c>topo exec</c>.
/// </summary>
internal static class NamespaceOwner
{
    public static Label? Of(IEnumerable<LinkMessage> links)
    {
        var lo = links.FirstOrDefault(l => (l.Flags & InterfaceFlags.Loopback) != 0);
        return Label.TryParse(lo?.Alias, out var owner) ? owner : null;
    }
}
