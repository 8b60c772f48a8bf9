using Topo.Core.Model;

namespace Topo.Cli;

internal sealed class LinuxHost : IHostAccess
{
    public static IHostAccess Create() => new LinuxHost();

    public HostState Observe(string project, IReadOnlyCollection<string> sysctls) =>
        throw new PlatformNotSupportedException("reading the live host is not wired yet: use --state or --against");
}
