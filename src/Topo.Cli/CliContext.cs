using Topo.Cli.Output;

namespace Topo.Cli;

/// <summary>What every command gets: the console, and access to the live host (created only when a command needs it).</summary>
internal sealed class CliContext(ITopoConsole console, Func<IHostAccess> host)
{
    public ITopoConsole Console { get; } = console;

    private IHostAccess? _host;

    public IHostAccess Host => _host ??= host();

    /// <summary>
    /// Opens the host now, before the command reads its file: what is slow to start (loading
    /// libnftables) runs on the host's own thread meanwhile.
    /// </summary>
    public void StartHost() => _ = Host;

    /// <summary>The host if a command opened it (to close it), without opening it.</summary>
    public IHostAccess? HostIfCreated => _host;
}
