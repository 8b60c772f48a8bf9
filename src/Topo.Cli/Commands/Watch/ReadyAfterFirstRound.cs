using Microsoft.Extensions.Hosting;

namespace Topo.Cli.Commands.Watch;

/// <summary>
/// Holds the host's start until the first reconcile has run, so systemd's READY=1 (sent when
/// the host has started) means "the host was converged once", and units ordered after
/// topo-watch find the networks in place.
/// </summary>
internal sealed class ReadyAfterFirstRound(Reconciler reconciler) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => reconciler.FirstRoundDone.Task.WaitAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
