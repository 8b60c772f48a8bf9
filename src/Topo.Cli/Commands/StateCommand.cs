using Topo.Cli.Output;
using System.CommandLine;
using Topo.Core.Snapshot;

namespace Topo.Cli.Commands;

/// <summary><c>topo state [FILE]</c>: the host as a JSON snapshot, what <c>topo plan --state</c> reads.</summary>
internal static class StateCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string?>("file") { Description = "A topology file (optional: the snapshot covers every project)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("state", "Print the host's network state as a JSON snapshot") { file };
        command.SetAction(parse =>
        {
            Topo.Core.Spec.TopologyFile? spec = null;
            context.StartHost();
            if (parse.GetValue(file) is { } path)
            {
                spec = SpecInput.Load(context.Console, path);
                if (spec is null) return ExitCodes.Error;
            }
            using (var chunks = new ChunkedWriter(context.Console.Out)) StateJson.Write(HostObservation.For(context.Host, spec), chunks);
            return ExitCodes.Success;
        });
        return command;
    }
}
