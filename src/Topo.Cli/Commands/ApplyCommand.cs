using System.CommandLine;
using Topo.Core.Planning;

namespace Topo.Cli.Commands;

/// <summary><c>topo apply FILE</c>: show the plan, apply it, prove the host converged. Exit 0 only then.</summary>
internal static class ApplyCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "The topology file" };
        var command = new Command("apply", "Make this host match the topology file (needs root)") { file };
        command.SetAction(parse =>
        {
            context.StartHost();
            var spec = SpecInput.Load(context.Console, parse.GetValue(file)!);
            if (spec is null) return ExitCodes.Error;
            return Converger.Run(context, "apply", spec, observed => PlanBuilder.Build(spec, observed));
        });
        return command;
    }
}
