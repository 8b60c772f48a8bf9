using Topo.Cli.Output;
using Topo.Linux.Execution;

namespace Topo.Cli.Linux;

/// <summary>
/// The composition root: the only place (with the adapters beside it in this folder) where the
/// CLI meets Topo.Linux. Commands see the ports (<see cref="IHostAccess"/>, <see cref="IRunFiles"/>,
/// exec) and the errors of Topo.Core, so a fake host can stand in for all of it.
/// </summary>
internal static class LinuxContext
{
    public static CliContext Create(ITopoConsole console) => new(
        console,
        LinuxHost.Create,
        // Never through the host: that loads libnftables, whose netlink socket is not
        // close-on-exec and would end up in the command.
        request => NamespaceExec.Run(LinuxHost.Options(), request),
        LinuxRunFiles.Instance);

    /// <summary>A short-lived command's heap in huge pages (see <see cref="Topo.Linux.HeapPages"/>).</summary>
    public static void UseHugePagesForTheHeap() => Topo.Linux.HeapPages.AdviseHuge();
}
