using System.CommandLine;
using Topo.Cli.Commands.Confirm;
using Topo.Core.Planning;

namespace Topo.Cli.Commands;

/// <summary><c>topo apply FILE [--confirm 120s]</c>: show the plan, apply it, prove the host converged. Exit 0 only then.</summary>
internal static class ApplyCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "The topology file" };
        var confirm = new Option<string?>("--confirm")
        {
            Description = "Keep the changes only if `topo confirm` (or Enter) comes within this time (90, 90s, 2m, 1h); else roll back",
        };
        var command = new Command("apply", "Make this host match the topology file (needs root)") { file, confirm };
        command.SetAction(parse =>
        {
            var timeout = TimeSpan.Zero;
            if (parse.GetValue(confirm) is { } text && !Durations.TryParse(text, out timeout))
            {
                context.Console.Error.WriteLine($"error: --confirm takes a duration from 1 s to 1 day, such as 90, 90s, 2m or 1h; not '{text}'");
                return ExitCodes.Error;
            }
            context.StartHost();
            var path = parse.GetValue(file)!;
            var spec = SpecInput.Load(context.Console, path);
            if (spec is null) return ExitCodes.Error;
            if (Rollbacks.BeforeChanging(context, spec.Name) is { } refused) return refused;
            if (timeout > TimeSpan.Zero) return ConfirmedApply.Run(context, spec, Path.GetFullPath(path), timeout, TimeProvider.System);
            return Converger.Run(context, "apply", spec, observed => PlanBuilder.Build(spec, observed));
        });
        return command;
    }
}
