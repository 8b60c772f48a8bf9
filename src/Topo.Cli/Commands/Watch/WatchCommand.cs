using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Topo.Cli.Output;

namespace Topo.Cli.Commands.Watch;

/// <summary>
/// <c>topo watch FILE</c>: converge the host on FILE now, then keep it converged — on every
/// change of the file, on SIGHUP, whenever the kernel reports a change to what topo owns, and
/// every resync interval. Stops cleanly on SIGTERM/SIGINT, leaving the topology in place.
/// </summary>
internal static class WatchCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "The topology file" };
        var resync = new Option<double>("--resync") { Description = "Seconds between full resyncs (a backstop for unreported changes)", DefaultValueFactory = _ => 60 };
        var command = new Command("watch", "Keep this host converged on the topology file: reload on change, repair drift (needs root)") { file, resync };
        resync.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is var s && (s < 0.1 || s > 86400)) r.AddError("--resync must be between 0.1 and 86400 seconds");
        });
        command.SetAction(parse => Run(context, parse.GetValue(file)!, TimeSpan.FromSeconds(parse.GetValue(resync))));
        return command;
    }

    private static int Run(CliContext context, string file, TimeSpan resync)
    {
        var console = context.Console;
        // A watcher never starts on a broken file: say what is wrong and change nothing.
        var source = new TopologySource(file);
        var first = source.Reload();
        if (DiagnosticPrinter.Print(console, first.Diagnostics) || source.Current is null) return ExitCodes.Error;

        var options = new WatchOptions(file) { Resync = resync };
        var statusStore = new StatusStore(options.RunDirectory, context.RunFiles);
        IDisposable claim;
        try
        {
            claim = statusStore.Claim(source.Current.Name);
        }
        catch (WatcherBusyException e)
        {
            console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Error;
        }
        using (claim)
        using (var feed = context.Host.OpenChangeFeed())
        using (var host = WatchHost.Build(options, source, context.Host, feed, statusStore))
        {
            host.Run();
        }
        return Environment.ExitCode;
    }
}
