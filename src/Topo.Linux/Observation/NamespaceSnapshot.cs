using Topo.Linux.Netlink.Messages;

namespace Topo.Linux.Observation;

/// <summary>What one dump round of a namespace returned: links (by index), addresses, routes.</summary>
internal sealed class NamespaceSnapshot(string name, List<LinkMessage> links, List<AddressMessage> addresses, List<RouteMessage> routes)
{
    public string Name { get; } = name;
    public List<LinkMessage> Links { get; } = links;
    public List<AddressMessage> Addresses { get; } = addresses;
    public List<RouteMessage> Routes { get; } = routes;
    public Dictionary<int, LinkMessage> ByIndex { get; } = links.ToDictionary(l => l.Index);

    public string? NameOf(int index) => ByIndex.TryGetValue(index, out var l) ? l.Name : null;
}
