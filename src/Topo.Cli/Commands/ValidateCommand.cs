using System.CommandLine;
using Topo.Cli.Output;
using Topo.Core.Spec;

namespace Topo.Cli.Commands;

/// <summary><c>topo validate FILE…</c>: every problem of every file, nothing touched.</summary>
internal static class ValidateCommand
{
    public static Command Create(CliContext context)
    {
        var files = new Argument<string[]>("file") { Description = "Topology files to check", Arity = ArgumentArity.OneOrMore };
        var command = new Command("validate", "Check topology files and report every problem as file:line:column") { files };
        command.SetAction(parse =>
        {
            var ok = true;
            foreach (var path in parse.GetValue(files)!)
            {
                var result = SpecLoader.Load(path);
                var failed = DiagnosticPrinter.Print(context.Console, result.Diagnostics);
                if (!failed) context.Console.Error.WriteLine($"{path}: valid (project '{result.File!.Name}')");
                ok &= !failed;
            }
            return ok ? ExitCodes.Success : ExitCodes.Error;
        });
        return command;
    }
}
