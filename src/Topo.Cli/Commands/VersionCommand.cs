using System.CommandLine;
using System.Reflection;

namespace Topo.Cli.Commands;

internal static class VersionCommand
{
    public static string Version =>
        typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static Command Create(CliContext context)
    {
        var command = new Command("version", "Print topo's version");
        command.SetAction(_ =>
        {
            context.Console.Out.WriteLine($"topo {Version}");
            return ExitCodes.Success;
        });
        return command;
    }
}
