using Microsoft.Extensions.Hosting;

namespace Topo.Cli.Commands.Watch;

/// <summary>Turns the kernel's change notifications into triggers.</summary>
internal sealed class KernelChangeForwarder(IChangeFeed feed, TriggerQueue queue) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var change in feed.ReadAllAsync(stoppingToken))
            {
                queue.Post(new Trigger(TriggerKind.Kernel, $"kernel: {change.Text}") { Namespace = change.Namespace, HostLink = change.HostLink });
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch
        {
            // The host stops (StopHost) but would exit 0; systemd's Restart=on-failure needs 1.
            Environment.ExitCode = ExitCodes.Error;
            throw;
        }
    }
}
