using Topo.Cli;
using Topo.Cli.Output;

return CliApp.Run(args, new CliContext(new SystemConsole(), LinuxHost.Create));
