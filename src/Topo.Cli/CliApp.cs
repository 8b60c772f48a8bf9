using System.CommandLine;
using Topo.Cli.Commands;
using Topo.Cli.Commands.Watch;
using Topo.Cli.Output;
using Topo.Core.Errors;

namespace Topo.Cli;

/// <summary>The command tree. Tests build it with a captured console and a fake host and invoke it for real.</summary>
internal static class CliApp
{
    public static RootCommand Build(CliContext context)
    {
        var root = new RootCommand("topo: make this host's container networking match a topology file");
        root.Subcommands.Add(ValidateCommand.Create(context));
        root.Subcommands.Add(PlanCommand.Create(context));
        root.Subcommands.Add(ApplyCommand.Create(context));
        root.Subcommands.Add(Commands.Confirm.ConfirmCommand.Create(context));
        root.Subcommands.Add(DestroyCommand.Create(context));
        root.Subcommands.Add(StateCommand.Create(context));
        root.Subcommands.Add(LsCommand.Create(context));
        root.Subcommands.Add(InspectCommand.Create(context));
        root.Subcommands.Add(ExecCommand.Create(context));
        root.Subcommands.Add(WatchCommand.Create(context));
        root.Subcommands.Add(StatusCommand.Create(context));
        root.Subcommands.Add(VersionCommand.Create(context));
        return root;
    }

    public const string NeedsRootHint = "  reading or changing the live host needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN); " +
        "to review a change without a host, use `topo plan FILE --state SNAPSHOT` or `--against BASE.yaml`";

    /// <summary>
    /// Refused for lack of privilege: the host port's permission errors (netlink's or a system
    /// call's EPERM/EACCES, the apply lock), or the watchers' run directory under /run (watch).
    /// Files the user names are read with their own messages before any of these.
    /// </summary>
    public static bool NeedsRoot(Exception e) => e is TopoException { Category: ErrorCategory.Permission } or UnauthorizedAccessException;

    public static int Run(string[] args, CliContext context)
    {
        var root = Build(context);
        // Our handler below, not System.CommandLine's: a clear message, never a stack trace.
        var config = new InvocationConfiguration
        {
            Output = context.Console.Out, Error = context.Console.Error, EnableDefaultExceptionHandler = false,
        };
        try
        {
            return root.Parse(args).Invoke(config);
        }
        catch (Exception e) when (NeedsRoot(e))
        {
            context.Console.Error.WriteLine($"error: {e.Message}");
            context.Console.Error.WriteLine(NeedsRootHint);
            return ExitCodes.Error;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Never a stack trace for a user: say what failed; TOPO_DEBUG=1 shows the rest.
            context.Console.Error.WriteLine($"error: {e.Message}");
            if (Environment.GetEnvironmentVariable("TOPO_DEBUG") == "1") context.Console.Error.WriteLine(e);
            return ExitCodes.Error;
        }
        finally
        {
            (context.HostIfCreated as IDisposable)?.Dispose();
        }
    }
}
