using Topo.Core.Resolution;

namespace Topo.Cli;

internal static class Sysctls
{
    /// <summary>The kernel settings topo may set, and so reads when it observes the host.</summary>
    public static IReadOnlyCollection<string> Watched { get; } = [Resolver.IpForwardSysctl];
}
