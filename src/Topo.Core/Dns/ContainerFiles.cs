using Topo.Core.Model;
using Topo.Core.Resolution;
using Topo.Core.Spec;

namespace Topo.Core.Dns;

/// <summary>The /etc/netns files of the topology's containers, added to its desired state.</summary>
public static class ContainerFiles
{
    /// <summary>
    /// The resolv.conf and hosts of every named namespace (docs/dns-files.md): a container on a
    /// DNS-enabled network asks the embedded server at 127.0.0.11; any other (the default bridge
    /// only, or network_mode none) asks the host's own nameservers. Its hosts file lists what its
    /// DNS view answers. A name in container mode gets its root's files under its own label
    /// (<c>ip netns exec shell</c> sees what its root sees); host mode has no namespace, so none.
    /// </summary>
    public static HostState Add(Topology topology, ResolvConf hostResolvConf)
    {
        var views = DnsViews.Build(topology).ToDictionary(v => v.Namespace, StringComparer.Ordinal);
        var hosts = new ContainerHosts();
        var byName = topology.Containers.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var sharedRoots = topology.Desired.Namespaces
            .Where(n => n.SharesWith is not null)
            .ToDictionary(n => n.Name, n => n.SharesWith!, StringComparer.Ordinal);
        // The same for every container of a kind: made once.
        var embedded = new Lazy<string>(() => ContainerResolvConf.WithEmbeddedDns(hostResolvConf));
        var upstream = new Lazy<string>(() => ContainerResolvConf.WithHostServers(hostResolvConf));

        var contents = new Dictionary<string, (string ResolvConf, string Hosts)>(StringComparer.Ordinal);
        var files = new List<NamespaceFileState>(topology.Containers.Length * 2);
        foreach (var container in topology.Containers)
        {
            if (container.Namespace is not { } ns) continue;
            var root = container.Mode == NetworkModeKind.Container && sharedRoots.TryGetValue(ns, out var rootName)
                ? byName[rootName]
                : container;
            if (!contents.TryGetValue(root.Name, out var content))
            {
                var view = root.Namespace is { } rootNs ? views.GetValueOrDefault(rootNs) : null;
                contents[root.Name] = content = (view is null ? upstream.Value : embedded.Value, hosts.For(root, view));
            }
            files.Add(new NamespaceFileState(ns, NamespaceFileState.ResolvConf, content.ResolvConf) { Owner = container.Label });
            files.Add(new NamespaceFileState(ns, NamespaceFileState.Hosts, content.Hosts) { Owner = container.Label });
        }
        return topology.Desired with { Files = [.. files] };
    }
}
