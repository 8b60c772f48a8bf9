using Topo.Core.Model;
using Topo.Core.Spec;

namespace Topo.Core.Planning;

public static partial class Planner
{
    private sealed partial class PlanRun
    {
        /// <summary>
        /// A desired namespace or link whose name is held by something that is not this project's
        /// is an error naming it: topo never changes objects it did not create.
        /// </summary>
        private bool CheckOwnership(Resource wanted, Resource have)
        {
            if (wanted is not (NamespaceState or LinkState or NamespaceFileState)) return true;
            // lo carries its namespace's label, so it is ours exactly when the namespace is.
            if (wanted is LinkState { Type: LinkKind.Loopback }) return true;
            // A shared name (container mode) shows the label of the container it shares with.
            if (wanted is NamespaceState { SharesWith: not null } && have.Owner?.Project == Project) return true;
            var owner = have.Owner;
            if (owner is not null && (owner.Project == Project || (owner.IsShared && wanted.Owner?.IsShared == true))) return true;
            // Inside another's namespace: the namespace's own error says it all (an interface's advice would mislead).
            if (wanted is LinkState { Namespace: not HostState.Host } inside &&
                Observed.FindNamespace(inside.Namespace) is { } ns && ns.Owner?.Project != Project) return false;
            if (wanted is NamespaceFileState file &&
                Observed.FindNamespace(file.Namespace) is { } fileNs && fileNs.Owner?.Project != Project) return false;
            var what = wanted switch
            {
                NamespaceState => $"namespace '{wanted.Key}'",
                NamespaceFileState f => $"file {f.Key} (/etc/netns/{f.Key}, what `ip netns exec {f.Namespace}` shows as /etc/{f.Name})",
                _ => $"interface {((LinkState)wanted).Ref}",
            };
            var whose = owner switch
            {
                null when wanted is NamespaceFileState => "was not written by topo (its first line is no topo label)",
                null => "was not created by topo (it has no topo label)",
                { IsShared: true } => "is the shared default bridge (network 'bridge' of every project)",
                _ => $"belongs to project '{owner.Project}'",
            };
            Errors.Add(Diagnostic.Error(null, $"{what} already exists and {whose}; topo never changes what it does not own: {Fix(wanted, owner)}"));
            return false;
        }

        /// <summary>What the user can do about a name that is taken: only a bridge's name is theirs to choose.</summary>
        private static string Fix(Resource wanted, Label? owner) => wanted switch
        {
            NamespaceState => "rename the container, or remove that namespace yourself",
            NamespaceFileState => "move that file away yourself (topo writes the container's own there)",
            // Other projects' containers hang on it: removing it is no advice.
            LinkState { Type: LinkKind.Bridge } when owner is { IsShared: true } => "choose another name (bridge_name)",
            LinkState { Type: LinkKind.Bridge, Owner.IsShared: true } =>
                $"the default bridge is always {wanted.Key}: remove that interface yourself, or keep the containers off network 'bridge'",
            LinkState { Type: LinkKind.Bridge } => "choose another name (bridge_name) or remove that interface yourself",
            LinkState { Type: LinkKind.Vlan } l => $"choose another parent, or remove {l.Name} yourself",
            LinkState { Namespace: HostState.Host, Type: LinkKind.Veth } l =>
                $"the name of a container's host-side veth comes from project/container/network: rename the container " +
                $"'{l.Owner?.Container}' or the network '{l.Owner?.Network}', or remove that interface yourself",
            LinkState { Namespace: HostState.Host } => "remove that interface yourself",
            LinkState l => $"remove it from the container's namespace yourself (ip -n {l.Namespace} link delete {l.Name})",
            _ => "remove it yourself",
        };

        /// <summary>
        /// Objects of this project that the topology no longer has are deleted, except those that
        /// go anyway with their namespace or link. The shared default bridge stays while another
        /// project's containers use it.
        /// </summary>
        public void DeleteLeftovers()
        {
            var ourTable = FirewallTableState.NameFor(Project);
            foreach (var have in Observed.All())
            {
                if (have is SysctlState || _desired.Contains((have.Kind, have.Key))) continue;
                if (Firewall.DockerUser.Holds(have))
                {
                    // In Docker's chain only the rules carrying this project's label are ours.
                    if (have.Owner?.Project != Project) continue;
                }
                else if (have is FirewallChainState or FirewallSetState or FirewallRuleState or FirewallElementState)
                {
                    // Inside a table, ownership is the table's: the default bridge's rules sit in every project's table.
                    if (TableOf(have) != ourTable || _goneTables.Contains(TableKeyOf(have))) continue;
                }
                else
                {
                    if (have.Owner is not { } owner) continue;
                    if (owner.Project != Project && !(owner.IsShared && !SharedBridgeInUseByOthers(owner))) continue;
                }
                if (GoesWithAnother(have)) continue;
                if (have is LinkState { Type: LinkKind.Bridge } bridge && !CheckBridgeEmpty(bridge)) continue;
                Drafts.Add(new Draft(ActionKind.Delete, have, null, [], Reasons.Delete(have), DeletedCompanions(have)));
                switch (have)
                {
                    case FirewallTableState table: _goneTables.Add(table.Key); break;
                    case NamespaceState ns:
                        // Every name takes its /etc/netns/NAME along; an own namespace, its contents too.
                        _goneNames.Add(ns.Name);
                        if (ns.SharesWith is null) _goneNamespaces.Add(ns.Name);
                        break;
                    case LinkState link:
                        _goneLinks.Add(link.Ref);
                        if (link.Peer is { } peer) _goneLinks.Add(peer);
                        break;
                }
            }
            // A second pass drops what the first found to go with a deleted namespace or link.
            Drafts.RemoveAll(d => d.Kind == ActionKind.Delete && d.Before is not NamespaceState && GoesWithAnother(d.Before!));
            // The kernel deletes a table with everything in it.
            Drafts.RemoveAll(d => d is { Kind: ActionKind.Delete, Before: FirewallChainState or FirewallSetState or FirewallRuleState or FirewallElementState } &&
                                  _goneTables.Contains(TableKeyOf(d.Before)));
        }

        /// <summary>Deleted tables by family and name: topo's old ip table goes, the inet one of the same name stays.</summary>
        private readonly HashSet<string> _goneTables = [];

        /// <summary>Names deleted, shared ones included: their /etc/netns/NAME directory goes with them.</summary>
        private readonly HashSet<string> _goneNames = [];

        private static string TableOf(Resource r) => FirewallTableState.TableOf(r) ?? "";

        private static string TableKeyOf(Resource r) => $"{FirewallTableState.FamilyOf(r)} {TableOf(r)}";


        private System.Collections.Immutable.ImmutableArray<Resource> DeletedCompanions(Resource have) => have switch
        {
            LinkState { Type: LinkKind.Veth, Peer: { } peer } link when link.Namespace == HostState.Host &&
                _observedLinks.TryGetValue(peer, out var far) => [far],
            // The host ends of the namespace's veths: the kernel unregisters a dying namespace's
            // devices in one batch, and a veth takes its peer along. Deleting each first costs a
            // network synchronisation apiece (~20 ms): 200 containers took 4.2 s that way, 0.13 s this way.
            NamespaceState { SharesWith: null } ns when HostVethsInto.TryGetValue(ns.Name, out var veths) => [.. veths],
            _ => [],
        };

        /// <summary>Observed host veths by the namespace their peer is in.</summary>
        private Dictionary<string, List<LinkState>> HostVethsInto => _hostVethsInto ??= IndexHostVeths(Observed);

        private Dictionary<string, List<LinkState>>? _hostVethsInto;

        private static Dictionary<string, List<LinkState>> IndexHostVeths(HostState observed)
        {
            var index = new Dictionary<string, List<LinkState>>(StringComparer.Ordinal);
            foreach (var l in observed.Links)
            {
                if (l is not { Namespace: HostState.Host, Type: LinkKind.Veth, Peer: { } peer } || peer.Namespace == HostState.Host) continue;
                if (!index.TryGetValue(peer.Namespace, out var list)) index[peer.Namespace] = list = [];
                list.Add(l);
            }
            return index;
        }

        /// <summary>Whether the kernel removes this object as part of deleting another one.</summary>
        private bool GoesWithAnother(Resource have) => have switch
        {
            LinkState { Type: LinkKind.Loopback } => true,
            // The far end of a veth goes with the host end; the host end is what is deleted, unless
            // the far end's namespace goes: then both ends go with it.
            LinkState { Type: LinkKind.Veth, Peer: { } peer } link when link.Namespace != HostState.Host =>
                peer.Namespace == HostState.Host || _goneNamespaces.Contains(link.Namespace),
            LinkState { Type: LinkKind.Veth, Peer: { } peer, Namespace: HostState.Host } => _goneNamespaces.Contains(peer.Namespace),
            LinkState link => _goneNamespaces.Contains(link.Namespace) && link.Namespace != HostState.Host,
            AddressState a => _goneNamespaces.Contains(a.Namespace) || _goneLinks.Contains(a.LinkRef) || _freshLinks.Contains(a.LinkRef),
            // Deleting or re-creating a name removes its directory, files and all.
            NamespaceFileState f => _goneNames.Contains(f.Namespace) || _freshNamespaces.Contains(f.Namespace),
            RouteState r => _goneNamespaces.Contains(r.Namespace) || GoesWithLastAddress(r) ||
                            (r.Device is { } dev && (_goneLinks.Contains(new LinkRef(r.Namespace, dev)) || _freshLinks.Contains(new LinkRef(r.Namespace, dev)))),
            _ => false,
        };

        private bool SharedBridgeInUseByOthers(Label owner)
        {
            if (owner.Role != LabelRole.Network) return false;
            var bridge = Observed.Links.FirstOrDefault(l => l.Owner == owner && l.Type == LinkKind.Bridge);
            return bridge is not null && Observed.Links.Any(l =>
                l.Master == bridge.Name && l.Namespace == bridge.Namespace && l.Owner?.Project != Project);
        }

        /// <summary>A network's bridge may go only when nothing but this project's endpoints hang on it.</summary>
        private bool CheckBridgeEmpty(LinkState bridge)
        {
            var others = Observed.Links
                .Where(l => l.Master == bridge.Name && l.Namespace == bridge.Namespace && l.Owner?.Project != Project)
                .Select(l => l.Owner is { } o ? $"{o.Container ?? o.Name} (project '{o.Project}')" : $"interface {l.Name} (not topo's)")
                .ToList();
            if (others.Count == 0) return true;
            var network = bridge.Owner?.Network ?? bridge.Name;
            Errors.Add(Diagnostic.Error(null,
                $"network '{network}' cannot be removed: {string.Join(", ", others)} still attached to bridge {bridge.Name}; detach them first"));
            return false;
        }
    }
}
