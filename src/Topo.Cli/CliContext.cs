using Topo.Cli.Output;
using Topo.Core.Host;

namespace Topo.Cli;

/// <summary>What every command gets: the console, and access to the live host (created only when a command needs it).</summary>
/// <param name="exec">Becomes a command (topo exec); on Linux it replaces this process. Tests give one that records the request.</param>
/// <param name="runFiles">Files of topo's own under /run (watchers' status and locks).</param>
internal sealed class CliContext(ITopoConsole console, Func<IHostAccess> host, Func<ExecRequest, ExecFailure> exec, IRunFiles runFiles)
{
    public ITopoConsole Console { get; } = console;

    public IRunFiles RunFiles { get; } = runFiles;

    /// <summary>Becomes <paramref name="request"/>'s command; returns only if it could not.</summary>
    public ExecFailure Exec(ExecRequest request) => exec(request);

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
