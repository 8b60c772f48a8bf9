using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Topo.Cli.Commands.Watch;

/// <summary>
/// The watcher as a generic host: every part is one registration (the embedded DNS server
/// joins the same way). Logs go to stdout, one line each, in systemd's format under systemd.
/// </summary>
internal static class WatchHost
{
    public static IHost Build(WatchOptions options, TopologySource source, IHostAccess host, IChangeFeed feed, StatusStore statusStore)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "topo-watch" });
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
            o.IncludeScopes = false;
        });
        // Under systemd: READY=1/STOPPING=1 and the journal's own log format (it overrides the above).
        builder.Services.AddSystemd();
        builder.Services.TryAddSingleton<ISystemdNotifier, SystemdNotifier>(); // the watchdog asks it whether systemd listens
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        // Microsoft's own start/stop chatter is not what an operator reads the journal for.
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);

        var services = builder.Services;
        services.Configure<HostOptions>(o =>
        {
            o.ShutdownTimeout = TimeSpan.FromSeconds(60); // a round in progress finishes before we exit
            o.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.StopHost;
        });
        services.AddSingleton(options);
        services.AddSingleton(source);
        services.AddSingleton(host);
        services.AddSingleton(feed);
        services.AddSingleton(statusStore);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<TriggerQueue>();

        // Sources first: a SIGHUP or an edit during the first round must not be lost (or, for
        // SIGHUP, kill the process mid-apply), and hosted services start in this order.
        services.AddHostedService<ReloadSignal>();
        services.AddHostedService<FileChangeWatcher>();
        services.AddHostedService<KernelChangeForwarder>();
        services.AddSingleton<ResolverFollower>();
        services.AddSingleton<Reconciler>();
        services.AddHostedService(p => p.GetRequiredService<Reconciler>());
        services.AddHostedService<ReadyAfterFirstRound>();
        services.AddHostedService<Watchdog>();
        return builder.Build();
    }
}
