using System.Collections.Immutable;
using Topo.Core.Model;

namespace Topo.Core.Planning;

public static partial class Planner
{
    /// <summary>
    /// Deletes first, innermost first (routes, addresses and files, ports, bridges, namespaces); then
    /// creates and updates outermost first (settings, namespaces, bridges and parents, ports,
    /// addresses, routes, files, the firewall). Within a phase: by group, then key — so output is stable.
    /// </summary>
    private static ImmutableArray<PlanAction> Order(List<Draft> drafts)
    {
        var ordered = drafts
            .Select(d => (Draft: d, Phase: Phase(d), Group: PlanGroup.Of(d.Subject), d.Subject.Key))
            .OrderBy(x => x.Phase)
            .ThenBy(x => x.Group)
            .ThenBy(x => x.Key, StringComparer.Ordinal)
            .Select(x => x.Draft)
            .ToList();
        var index = new DependencyIndex();
        var actions = ImmutableArray.CreateBuilder<PlanAction>(ordered.Count);
        for (var i = 0; i < ordered.Count; i++)
        {
            var d = ordered[i];
            var id = i + 1;
            actions.Add(new PlanAction(id, d.Kind, d.Before, d.After, d.Changes, d.Reason, index.DependenciesOf(d.Kind, d.Subject, d.Includes), d.Includes));
            index.Add(d.Kind, d.Subject, d.Includes, id);
        }
        return actions.ToImmutable();
    }

    private static int Phase(Draft d)
    {
        if (d.Kind == ActionKind.Delete)
            return d.Subject switch
            {
                FirewallRuleState or FirewallChainState or FirewallTableState or FirewallSetState or FirewallElementState => 0,
                RouteState => 0,
                AddressState or NamespaceFileState => 1,
                LinkState { Type: LinkKind.Bridge or LinkKind.Vlan } => 3,
                LinkState => 2,
                // A name sharing another container's namespace goes before the namespace itself.
                NamespaceState { SharesWith: not null } => 4,
                NamespaceState => 5,
                _ => 6,
            };
        return d.Subject switch
        {
            // A per-interface setting needs its interface: after the links.
            SysctlState { Interface: not null } => 15,
            SysctlState => 10,
            NamespaceState { SharesWith: null } => 11,
            // Sharing needs the shared namespace to exist.
            NamespaceState => 12,
            LinkState { Type: LinkKind.Bridge or LinkKind.Vlan } => 13,
            LinkState => 14,
            AddressState => 15,
            RouteState => 16,
            // A namespace's files need only its directory (made with the namespace).
            NamespaceFileState => 17,
            // The firewall last: its rules name interfaces and addresses made above.
            FirewallTableState => 18,
            FirewallChainState or FirewallSetState => 19,
            FirewallRuleState => 20,
            FirewallElementState => 21,
            _ => 22,
        };
    }
}
