using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;

namespace Topo.Cli.Commands.Watch;

/// <summary>
/// systemd's watchdog (WatchdogSec=): pings at half the interval while the reconciler is
/// healthy — waiting, or in a round shorter than the interval. A round stuck in the kernel
/// stops the pings, and systemd restarts the service.
/// </summary>
internal sealed class Watchdog(ISystemdNotifier notifier, Reconciler reconciler, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!notifier.IsEnabled || Interval() is not { } interval) return;
        using var timer = new PeriodicTimer(interval / 2, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (reconciler.Busy < interval) notifier.Notify(new ServiceState("WATCHDOG=1"));
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch
        {
            Environment.ExitCode = ExitCodes.Error; // the host stops; systemd must see a failure
            throw;
        }
    }

    /// <summary>WATCHDOG_USEC, when systemd set it for this very process.</summary>
    private static TimeSpan? Interval()
    {
        if (!long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), out var usec) || usec <= 0) return null;
        if (int.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_PID"), out var pid) && pid != Environment.ProcessId) return null;
        return TimeSpan.FromMicroseconds(usec);
    }
}
