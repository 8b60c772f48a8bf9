using Topo.Cli.Output;
using Topo.Linux.Execution;

namespace Topo.Cli;

/// <summary>What every command gets: the console, and access to the live host (created only when a command needs it).</summary>
/// <param name="exec">Becomes a command (topo exec); the default replaces this process. Tests give one that records the request.</param>
internal sealed class CliContext(ITopoConsole console, Func<IHostAccess> host, Func<ExecRequest, ExecFailure>? exec = null)
{
    public ITopoConsole Console { get; } = console;

    /// <summary>
    /// Becomes <paramref name="request"/>'s command; returns only if it could not. Never through
    /// <see cref="Host"/>: that loads libnftables, whose netlink socket is not close-on-exec and
    /// would end up in the command.
    /// </summary>
    public ExecFailure Exec(ExecRequest request) =>
        exec is not null ? exec(request) : NamespaceExec.Run(LinuxHost.Options(), request);

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
