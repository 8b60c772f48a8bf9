using Topo.Core.Errors;

namespace Topo.Cli.Commands.Watch;

/// <summary>Another watcher holds the project's lock: one watcher per project.</summary>
public sealed class WatcherBusyException(string message) : TopoException(message)
{
    public override ErrorCategory Category => ErrorCategory.Busy;
}
