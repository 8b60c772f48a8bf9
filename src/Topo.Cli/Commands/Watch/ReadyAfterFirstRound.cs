using Microsoft.Extensions.Hosting;

namespace Topo.Cli.Commands.Watch;

/// <summary>
/// Holds the host's start until the first reconcile has run, so systemd's READY=1 (sent when
/// the host has started) means "the host was converged once", and units ordered after
/// topo-watch find the networks in place.
/// </summary>
/// <remarks>
/// The wait ignores the start token on purpose: SIGTERM during the first round cancels it, and a
/// host that fails to start is torn down without waiting for the round — an apply cut in half.
/// Waiting lets the round finish; the normal stop follows at once.
/// </remarks>
internal sealed class ReadyAfterFirstRound(Reconciler reconciler) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => reconciler.FirstRoundDone.Task;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
