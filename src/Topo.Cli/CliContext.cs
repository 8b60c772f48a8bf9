using Topo.Cli.Output;

namespace Topo.Cli;

/// <summary>What every command gets: the console, and access to the live host (created only when a command needs it).</summary>
internal sealed class CliContext(ITopoConsole console, Func<IHostAccess> host)
{
    public ITopoConsole Console { get; } = console;

    private IHostAccess? _host;

    public IHostAccess Host => _host ??= host();

    /// <summary>The host if a command opened it (to close it), without opening it.</summary>
    public IHostAccess? HostIfCreated => _host;
}
