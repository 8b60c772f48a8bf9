using System.Threading.Channels;

namespace Topo.Cli.Commands.Watch;

/// <summary>
/// Every reason to reconcile, from every source, in arrival order. The reconciler takes them a
/// burst at a time: a deleted veth takes its addresses and routes with it, and one look is enough.
/// </summary>
internal sealed class TriggerQueue(WatchOptions options)
{
    private readonly Channel<Trigger> _channel = Channel.CreateUnbounded<Trigger>(new UnboundedChannelOptions { SingleReader = true });

    public void Post(Trigger trigger) => _channel.Writer.TryWrite(trigger);

    /// <summary>
    /// Waits for a trigger, then gathers what follows until the sources are quiet for
    /// <see cref="WatchOptions.Quiet"/> or <see cref="WatchOptions.Burst"/> has passed since the first.
    /// </summary>
    /// <param name="holdUntil">
    /// After a failed round (a <see cref="System.Diagnostics.Stopwatch"/> timestamp): until then
    /// triggers are gathered, not acted on — a rollback's own changes come back as kernel
    /// notifications and would otherwise start the next round at once — unless one of them
    /// reads the file again (an edit or SIGHUP may be the fix).
    /// </param>
    public async Task<IReadOnlyList<Trigger>> NextBurstAsync(CancellationToken stop, long holdUntil = 0)
    {
        var reader = _channel.Reader;
        var burst = new List<Trigger> { await reader.ReadAsync(stop) };
        while (!burst.Any(t => t.Reloads) && System.Diagnostics.Stopwatch.GetElapsedTime(holdUntil) is var past && past < TimeSpan.Zero)
        {
            while (reader.TryRead(out var held)) burst.Add(held);
            if (burst.Any(t => t.Reloads)) break;
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stop);
            wait.CancelAfter(-past);
            try
            {
                if (!await reader.WaitToReadAsync(wait.Token)) break;
            }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested)
            {
                break; // held long enough
            }
        }
        var deadline = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(options.Burst.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        while (true)
        {
            while (reader.TryRead(out var more)) burst.Add(more);
            var left = TimeSpan.FromSeconds((deadline - System.Diagnostics.Stopwatch.GetTimestamp()) / (double)System.Diagnostics.Stopwatch.Frequency);
            if (left <= TimeSpan.Zero) break;
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stop);
            wait.CancelAfter(left < options.Quiet ? left : options.Quiet);
            try
            {
                if (!await reader.WaitToReadAsync(wait.Token)) break;
            }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested)
            {
                break; // quiet long enough
            }
        }
        return burst;
    }
}
