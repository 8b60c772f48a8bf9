using System.Collections.Immutable;
using Topo.Core.Model;
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

    /// <summary>What this reading became in the model, once it was turned into it (kept with a reading that is reused).</summary>
    public NamespaceModel? Model { get; set; }
}

/// <summary>A named namespace's links (lo aside), addresses and routes as the model has them.</summary>
internal sealed record NamespaceModel(ImmutableArray<LinkState> Links, ImmutableArray<AddressState> Addresses, ImmutableArray<RouteState> Routes);
