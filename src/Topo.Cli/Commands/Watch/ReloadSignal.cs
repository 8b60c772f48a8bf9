using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;

namespace Topo.Cli.Commands.Watch;

/// <summary>SIGHUP forces a reload (`systemctl reload topo-watch`), as daemons have always done.</summary>
internal sealed class ReloadSignal(TriggerQueue queue) : IHostedService, IDisposable
{
    private PosixSignalRegistration? _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registration = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true; // reload, don't die
            queue.Post(new Trigger(TriggerKind.Signal, "SIGHUP"));
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _registration?.Dispose();
}
