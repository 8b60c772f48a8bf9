using System.Collections.Immutable;
using Topo.Core.Model;
using Topo.Core.Spec;

namespace Topo.Core.Planning;

/// <summary>
/// (Desired, Observed) → Plan, a pure function. Only attributes the desired side has an opinion
/// on are compared; objects already right get no action. Objects of other projects and foreign
/// objects are never touched: a desired object whose name a foreign one holds is an error.
/// </summary>
public static partial class Planner
{
    public static PlanResult Plan(string project, HostState desired, HostState observed)
    {
        var run = new PlanRun(project, desired, observed);
        run.CheckPublishedPorts();
        run.DiffDesired();
        run.DeleteLeftovers();
        if (run.Errors.Count > 0) return new PlanResult(null, [.. run.Errors]);
        return new PlanResult(new Plan(project, Order(run.Drafts), desired), []);
    }

    /// <summary>An action before it has an id and dependencies.</summary>
    private sealed record Draft(ActionKind Kind, Resource? Before, Resource? After,
        ImmutableArray<AttributeChange> Changes, string Reason, ImmutableArray<Resource> Includes)
    {
        public Resource Subject => After ?? Before!;
    }

    private sealed partial class PlanRun(string project, HostState desired, HostState observed)
    {
        private readonly Dictionary<(ResourceKind, string), Resource> _observed = FirstByKey(observed.All(), observed.Count, r => (r.Kind, r.Key));
        /// <summary>
        /// The keys of every desired resource, filled as each is compared: <see cref="Resource.Key"/>
        /// formats a new string on each call, and keying each desired resource once for this set and
        /// again to find its observed self was 18,000 strings too many at 2,000 containers.
        /// </summary>
        private readonly HashSet<(ResourceKind, string)> _desired = new(desired.Count);
        private readonly Dictionary<LinkRef, LinkState> _desiredLinks = desired.Links.ToDictionary(l => l.Ref);
        private readonly Dictionary<LinkRef, LinkState> _observedLinks = FirstByKey(observed.Links, observed.Links.Length, l => l.Ref);

        /// <summary>Indexes by key, sized once; the first of duplicates wins (a grouping did the same, at several times the cost).</summary>
        private static Dictionary<TKey, T> FirstByKey<TKey, T>(IEnumerable<T> items, int count, Func<T, TKey> key)
            where TKey : notnull
        {
            var index = new Dictionary<TKey, T>(count);
            foreach (var item in items) index.TryAdd(key(item), item);
            return index;
        }

        /// <summary>Namespaces created or re-created: everything desired inside them is created anew.</summary>
        private readonly HashSet<string> _freshNamespaces = [];
        /// <summary>Namespaces deleted: what is inside goes with them.</summary>
        private readonly HashSet<string> _goneNamespaces = [];
        /// <summary>Links created or re-created: their addresses and routes must be (re)made.</summary>
        private readonly HashSet<LinkRef> _freshLinks = [];
        /// <summary>Links deleted: their addresses and routes go with them.</summary>
        private readonly HashSet<LinkRef> _goneLinks = [];
        /// <summary>Links that stay but lose every address of a family (IPv6: true) they have: their routes of that family go with the last one.</summary>
        private readonly HashSet<(LinkRef Link, bool Ipv6)> _strippedLinks = StrippedLinks(project, desired, observed);

        public List<Draft> Drafts { get; } = [];
        public List<Diagnostic> Errors { get; } = [];
        public string Project { get; } = project;
        public HostState Desired { get; } = desired;
        public HostState Observed { get; } = observed;

        public void DiffDesired()
        {
            foreach (var ns in Desired.Namespaces) Diff(ns);
            foreach (var link in Desired.Links.Where(l => l.Namespace == HostState.Host)) Diff(link);
            foreach (var link in Desired.Links.Where(l => l.Namespace != HostState.Host)) Diff(link);
            foreach (var r in Desired.Sysctls.Cast<Resource>().Concat(Desired.Addresses).Concat(Desired.Routes).Concat(Desired.Firewall)) Diff(r);
            foreach (var file in Desired.Files) Diff(file);
        }

        private void Diff(Resource wanted)
        {
            var key = (wanted.Kind, wanted.Key);
            _desired.Add(key);
            var have = _observed.GetValueOrDefault(key);
            if (have is not null && !CheckOwnership(wanted, have)) return;
            if (have is null || MustRecreate(wanted, have))
            {
                if (CreatedWithAnother(wanted)) return;
                // A host link outlives its namespace's peer only in part: take it down explicitly first.
                if (have is LinkState { Namespace: HostState.Host }) Replace(wanted, have, Compare(wanted, have));
                else Create(wanted, have);
                return;
            }
            if (wanted is NamespaceState ns && have is NamespaceState was && ns.SharesWith != was.SharesWith)
            {
                // Into or out of container mode: the name must lead to another namespace, which
                // only re-creating the name gives (an own namespace's contents go with it).
                var reason = ns.SharesWith is { } target
                    ? $"container '{ns.Name}' now shares the namespace of '{target}' (network_mode container:{target})"
                    : $"container '{ns.Name}' no longer shares the namespace of '{was.SharesWith}': it gets one of its own";
                Replace(wanted, have, [new AttributeChange(AttributeKind.Shares, was.SharesWith ?? OwnNamespace, ns.SharesWith ?? OwnNamespace, ForcesReplace: true)], reason);
                return;
            }
            var changes = Compare(wanted, have);
            if (changes.IsEmpty) return;
            if (changes.Any(c => c.ForcesReplace)) Replace(wanted, have, changes);
            else
            {
                Drafts.Add(new Draft(ActionKind.Update, have, wanted, changes, wanted is NamespaceFileState ? Reasons.UpdateFile : Reasons.Update(changes), []));
            }
        }

        private const string OwnNamespace = "(its own)";

        private void Replace(Resource wanted, Resource have, ImmutableArray<AttributeChange> changes, string? reason = null)
        {
            Drafts.Add(new Draft(ActionKind.Replace, have, wanted, changes, reason ?? Reasons.Replace(wanted, changes), Companions(wanted)));
            MarkFresh(wanted);
            MarkFresh(have);
        }

        private void Create(Resource wanted, Resource? have)
        {
            // Present but inside something re-created, or about to go with its link's last address: it is made again.
            var reason = have switch
            {
                null => Reasons.Create(wanted),
                RouteState route when !InsideFresh((RouteState)wanted) && GoesWithLastAddress(route) => Reasons.RecreateRoute((RouteState)wanted, new LinkRef(route.Namespace, route.Device!)),
                _ => Reasons.Recreate(wanted),
            };
            Drafts.Add(new Draft(ActionKind.Create, null, wanted, [], reason, Companions(wanted)));
            MarkFresh(wanted);
        }

        private void MarkFresh(Resource r)
        {
            switch (r)
            {
                case NamespaceState ns: _freshNamespaces.Add(ns.Name); break;
                case LinkState link:
                    _freshLinks.Add(link.Ref);
                    if (link.Peer is { } peer) _freshLinks.Add(peer);
                    break;
            }
        }

        /// <summary>Objects the kernel makes in the same operation: a namespace's lo, a veth's far end.</summary>
        private ImmutableArray<Resource> Companions(Resource r) => r switch
        {
            NamespaceState { SharesWith: null } ns when _desiredLinks.TryGetValue(new LinkRef(ns.Name, "lo"), out var lo) => [lo],
            LinkState { Type: LinkKind.Veth, Peer: { } peer } link when link.Namespace == HostState.Host &&
                _desiredLinks.TryGetValue(peer, out var far) => [far],
            _ => [],
        };

        /// <summary>True when another action's <see cref="Companions"/> already makes this object.</summary>
        private bool CreatedWithAnother(Resource r) => r switch
        {
            LinkState { Type: LinkKind.Loopback } => true,
            LinkState { Type: LinkKind.Veth, Peer: { } peer } link when link.Namespace != HostState.Host =>
                peer.Namespace == HostState.Host && _desiredLinks.ContainsKey(peer),
            _ => false,
        };

        /// <summary>Present on the host (as <paramref name="have"/>), but about to vanish with a namespace or link being re-created, or (a route) with its link's last address.</summary>
        private bool MustRecreate(Resource r, Resource have) => r switch
        {
            NamespaceState => false,
            LinkState { Type: LinkKind.Veth, Peer: { } peer } link =>
                _freshNamespaces.Contains(link.Namespace) || _freshNamespaces.Contains(peer.Namespace) ||
                (link.Namespace != HostState.Host && _freshLinks.Contains(link.Ref)) || PeerMissing(link),
            LinkState link => _freshNamespaces.Contains(link.Namespace),
            AddressState a => _freshNamespaces.Contains(a.Namespace) || _freshLinks.Contains(a.LinkRef),
            // The route the host has is what vanishes or stays: one moving onto a new interface
            // from one that stays is still there, and is replaced in place (a create would find it).
            RouteState route => have is RouteState was ? InsideFresh(was) || GoesWithLastAddress(was) : InsideFresh(route),
            // A re-created name gets an empty /etc/netns/NAME: its files are written again.
            NamespaceFileState file => _freshNamespaces.Contains(file.Namespace),
            // A re-created interface has the kernel's defaults: its own settings are set again.
            SysctlState s => s.Interface is { } link && _freshLinks.Contains(new LinkRef(s.Namespace, link)),
            _ => false,
        };

        private bool InsideFresh(RouteState route) => _freshNamespaces.Contains(route.Namespace) ||
            (route.Device is { } dev && _freshLinks.Contains(new LinkRef(route.Namespace, dev)));

        /// <summary>
        /// An observed route through a link that loses its last IPv4 address: the kernel drops every
        /// route through a link left without one (fib_disable_ip), so the route is gone after the
        /// removals, whatever the plan says about it. Its device on the host is what counts, not
        /// the one wanted: a route moving onto such a link from another is still there (and is
        /// replaced in place; a create would find it).
        /// </summary>
        private bool GoesWithLastAddress(RouteState have) =>
            have.Device is { } dev && _strippedLinks.Contains((new LinkRef(have.Namespace, dev), have.Destination.IsV6));

        /// <summary>
        /// Links the topology keeps whose observed addresses of one family are all unwanted: the plan
        /// deletes every one (an address that changes is deleted and added, never changed in place;
        /// the deletes run before the adds), leaving the link with none of that family for a moment.
        /// IPv4: the kernel then drops every IPv4 route through the link (fib_disable_ip). IPv6: the
        /// applier turns IPv6 off on a link with no IPv6 address left, which drops its IPv6 routes.
        /// Each family alone: on Linux 6.x a link that keeps another address of the family keeps its
        /// routes, even one whose gateway no remaining address's subnet holds, and an address of the
        /// other family keeps none.
        /// </summary>
        private static HashSet<(LinkRef, bool)> StrippedLinks(string project, HostState desired, HostState observed)
        {
            var wantedLinks = desired.Links.Select(l => l.Ref).ToHashSet();
            var wantedAddresses = desired.Addresses.Select(a => a.Key).ToHashSet(StringComparer.Ordinal);
            var stripped = new HashSet<(LinkRef, bool)>();
            var kept = new HashSet<(LinkRef, bool)>();
            foreach (var a in observed.Addresses)
            {
                if (!wantedLinks.Contains(a.LinkRef)) continue;
                var family = (a.LinkRef, a.Address.IsV6);
                // An address that is wanted stays, and so does one that is not ours to delete.
                if (wantedAddresses.Contains(a.Key) || a.Owner is not { } owner || (owner.Project != project && !owner.IsShared)) kept.Add(family);
                else stripped.Add(family);
            }
            stripped.ExceptWith(kept);
            return stripped;
        }

        /// <summary>A host veth whose far end is not where it should be (moved or renamed by hand): re-create the pair.</summary>
        private bool PeerMissing(LinkState link) =>
            link.Namespace == HostState.Host && link.Peer is { } peer &&
            !_freshNamespaces.Contains(peer.Namespace) &&
            !_observedLinks.ContainsKey(peer);

        // Every desired object is compared: a dozen attributes at most, so a reused list searched
        // in order beats a dictionary per comparison.
        private readonly List<ResourceAttribute> _observedAttributes = new(16);

        private ImmutableArray<AttributeChange> Compare(Resource wanted, Resource have)
        {
            if (wanted.IsSatisfiedBy(have)) return [];
            _observedAttributes.Clear();
            _observedAttributes.AddRange(have.Attributes());
            ImmutableArray<AttributeChange>.Builder? changes = null;
            foreach (var a in wanted.Attributes())
            {
                if (a.Value is null) continue;
                string? before = null;
                foreach (var o in _observedAttributes)
                {
                    if (o.Attribute == a.Attribute) before = o.Value; // the last of a name wins, as it did
                }
                if (before != a.Value) (changes ??= ImmutableArray.CreateBuilder<AttributeChange>()).Add(new AttributeChange(a.Attribute, before, a.Value, a.ForcesReplace));
            }
            return changes?.ToImmutable() ?? [];
        }
    }
}
