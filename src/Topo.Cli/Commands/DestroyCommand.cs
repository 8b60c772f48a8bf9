using System.CommandLine;
using Topo.Core.Model;
using Topo.Core.Planning;

namespace Topo.Cli.Commands;

/// <summary>
/// <c>topo destroy FILE</c>: remove everything the file's project owns, nothing else. The file
/// only names the project (it need not be valid beyond that); running it twice is fine.
/// </summary>
internal static class DestroyCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "The topology file whose project to remove" };
        var command = new Command("destroy", "Remove every object of the file's project from this host (needs root)") { file };
        command.SetAction(parse =>
        {
            context.StartHost();
            var spec = SpecInput.Load(context.Console, parse.GetValue(file)!);
            if (spec is null) return ExitCodes.Error;
            if (Confirm.Rollbacks.BeforeChanging(context, spec.Name) is { } refused) return refused;
            return Converger.Run(context, "destroy", null, observed =>
            {
                var planned = Planner.Plan(spec.Name, HostState.Empty, observed);
                return new PlanOutcome(null, planned.Plan, planned.Errors);
            });
        });
        return command;
    }
}
