namespace Topo.Linux.Namespaces;

/// <summary>Where named namespaces live. Defaults are iproute2's.</summary>
public sealed record NamespaceStoreOptions
{
    /// <summary>Bind mounts of named namespaces (iproute2: /run/netns).</summary>
    public string NetnsDirectory { get; init; } = "/run/netns";

    /// <summary>Per-namespace configuration (iproute2 `ip netns exec` bind-mounts /etc/netns/NAME/* over /etc).</summary>
    public string EtcDirectory { get; init; } = "/etc/netns";
}
