using Microsoft.Extensions.Logging;
using Topo.Core.Dns;
using Topo.Linux.Dns;
using Topo.Linux.Namespaces;

namespace Topo.Cli.Linux;

/// <summary>
/// <see cref="EmbeddedDns"/> behind the CLI's port. It gets a namespace thread of its own: binding
/// sockets in new namespaces must not wait behind a reconcile's netlink work, nor hold it up.
/// TOPO_RESOLV_CONF moves the host's resolver configuration (tests, unusual hosts).
/// </summary>
internal sealed class LinuxResolver : IEmbeddedResolver
{
    private readonly NamespaceThread _thread = new("topo-dns");
    private readonly EmbeddedDns _dns;

    public LinuxResolver(NamespaceStore store, ILogger log)
    {
        var options = new EmbeddedDnsOptions();
        if (Environment.GetEnvironmentVariable("TOPO_RESOLV_CONF") is { Length: > 0 } conf) options = options with { ResolvConfPath = conf };
        _dns = new EmbeddedDns(new NamespaceStore(store.Options, _thread), options, log);
    }

    public ResolverUpdate Update(IReadOnlyList<DnsView> views)
    {
        var r = _dns.Update(views);
        return new ResolverUpdate(r.Started, r.Changed, r.Unchanged, r.Rebound, r.Stopped, [.. r.Failed.Select(f => $"{f.Namespace}: {f.Reason}")]);
    }

    public void Dispose()
    {
        _dns.Dispose();
        _thread.Dispose();
    }
}
