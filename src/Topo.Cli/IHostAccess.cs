using Topo.Core.Model;
using Topo.Core.Planning;

namespace Topo.Cli;

/// <summary>The live host as the commands need it: read its state, change it. Linux behind it; fakes in tests.</summary>
internal interface IHostAccess
{
    /// <summary>What the kernel has that matters to <paramref name="project"/>: its objects, and what it must not collide with.</summary>
    HostState Observe(string project, IReadOnlyCollection<string> sysctls);
}
