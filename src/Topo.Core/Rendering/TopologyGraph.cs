using Topo.Core.Model;
using Topo.Core.Planning;

namespace Topo.Core.Rendering;

internal enum Mark { Unchanged, Added, Changed, Removed }

internal enum NodeKind { Network, Container }

internal sealed record TopologyNode(NodeKind Kind, string Name, Mark Mark);

/// <summary>A container's attachment to a network, labelled with its interface and addresses.</summary>
internal sealed record TopologyEdge(string Container, string Network, string Label, Mark Mark);

/// <summary>
/// The topology after a plan, for people: networks, containers and the attachments between
/// them, read from ownership labels of <see cref="Plan.Desired"/> plus what the plan deletes.
/// Each element is marked added (the plan creates the object that defines it: a network's link,
/// a container's namespace, an endpoint's link), removed (only deleted objects mention it),
/// changed (any other action touches it) or unchanged. Sorted, so output is deterministic.
/// </summary>
internal sealed class TopologyGraph
{
    private TopologyGraph(IReadOnlyList<TopologyNode> nodes, IReadOnlyList<TopologyEdge> edges) =>
        (Nodes, Edges) = (nodes, edges);

    public IReadOnlyList<TopologyNode> Nodes { get; }

    public IReadOnlyList<TopologyEdge> Edges { get; }

    private readonly record struct Element(NodeKind? Kind, string Name, string Network);

    public static TopologyGraph Of(Plan plan)
    {
        var desired = plan.Desired.All().ToList();
        var deleted = plan.Actions
            .Where(a => a.Kind == ActionKind.Delete)
            .SelectMany(a => a.Includes.Prepend(a.Subject))
            .ToList();

        var present = desired.SelectMany(r => Mentions(r)).ToHashSet();
        var gone = deleted.SelectMany(r => Mentions(r)).Where(e => !present.Contains(e)).ToHashSet();

        var added = new HashSet<Element>();
        var changed = new HashSet<Element>();
        foreach (var action in plan.Actions)
        {
            foreach (var resource in action.Includes.Prepend(action.Subject))
            {
                // Files follow from the topology (a container joining rewrites every neighbour's
                // hosts file): they change no element of the drawing.
                if (resource is NamespaceFileState) continue;
                if (action.Kind == ActionKind.Create && Defines(resource) is { } defined) added.Add(defined);
                changed.UnionWith(Mentions(resource, forMarking: true));
            }
        }

        Mark MarkOf(Element e) =>
            gone.Contains(e) ? Mark.Removed :
            added.Contains(e) ? Mark.Added :
            changed.Contains(e) ? Mark.Changed :
            Mark.Unchanged;

        // Each edge's resources found by its endpoint label, not by a scan of everything per edge
        // (2,000 containers: 2,000 edges × 18,000 resources was most of a markdown plan).
        var desiredByEdge = ByEdge(desired);
        var deletedByEdge = ByEdge(deleted);
        var all = present.Concat(gone).ToList();
        var nodes = all.Where(e => e.Kind is not null)
            .Select(e => new TopologyNode(e.Kind!.Value, e.Name, MarkOf(e)))
            .OrderBy(n => n.Kind).ThenBy(n => n.Name, StringComparer.Ordinal)
            .ToList();
        var edges = all.Where(e => e.Kind is null)
            .Select(e => new TopologyEdge(e.Name, e.Network, EdgeLabel((gone.Contains(e) ? deletedByEdge : desiredByEdge)[e]), MarkOf(e)))
            .OrderBy(x => x.Container, StringComparer.Ordinal).ThenBy(x => x.Network, StringComparer.Ordinal)
            .ToList();
        return new TopologyGraph(nodes, edges);
    }

    private static Element NetworkNode(string name) => new(NodeKind.Network, name, "");
    private static Element ContainerNode(string name) => new(NodeKind.Container, name, "");
    private static Element Edge(Label endpoint) => new(null, endpoint.Container!, endpoint.Network!);

    /// <summary>
    /// The elements a resource belongs to, by its label; foreign (unlabelled) objects belong to none.
    /// An endpoint implies its container and network exist, but changing it changes only the edge:
    /// a network that gains a container is not itself changed.
    /// </summary>
    private static IEnumerable<Element> Mentions(Resource resource, bool forMarking = false)
    {
        switch (resource.Owner)
        {
            case { Role: LabelRole.Network or LabelRole.Parent } l:
                yield return NetworkNode(l.Name);
                break;
            case { Role: LabelRole.Container } l:
                yield return ContainerNode(l.Name);
                break;
            case { Role: LabelRole.Endpoint } l:
                if (!forMarking)
                {
                    yield return ContainerNode(l.Container!);
                    yield return NetworkNode(l.Network!);
                }
                yield return Edge(l);
                break;
        }
    }

    /// <summary>The element whose existence this object is: creating it creates the element.</summary>
    private static Element? Defines(Resource resource) => (resource, resource.Owner) switch
    {
        (LinkState, { Role: LabelRole.Network or LabelRole.Parent } l) => NetworkNode(l.Name),
        (NamespaceState, { Role: LabelRole.Container } l) => ContainerNode(l.Name),
        (LinkState, { Role: LabelRole.Endpoint } l) => Edge(l),
        _ => null,
    };

    /// <summary>The endpoint-labelled resources by the edge they belong to.</summary>
    private static ILookup<Element, Resource> ByEdge(IEnumerable<Resource> resources) =>
        resources.Where(r => r.Owner is { Role: LabelRole.Endpoint })
            .ToLookup(r => Edge(r.Owner!));

    /// <summary>The container-side interface name and its addresses, e.g. <c>eth0 172.18.0.2/16</c>.</summary>
    /// <param name="resources">The edge's own resources (those labelled with its endpoint: <see cref="ByEdge"/>).</param>
    private static string EdgeLabel(IEnumerable<Resource> resources)
    {
        var links = resources.OfType<LinkState>().ToList();
        // The end inside the container is the one people know (eth0); a host-only endpoint falls back to its host name.
        var inside = links.Where(l => l.Namespace != HostState.Host).OrderBy(l => l.Name, StringComparer.Ordinal).FirstOrDefault()
                     ?? links.OrderBy(l => l.Name, StringComparer.Ordinal).FirstOrDefault();
        var addresses = resources.OfType<AddressState>()
            .Where(a => inside is null || a.LinkRef == inside.Ref)
            .Select(a => a.Address).Order().Select(a => a.ToString());
        return string.Join(" ", addresses.Prepend(inside?.Name ?? "")).Trim();
    }
}
