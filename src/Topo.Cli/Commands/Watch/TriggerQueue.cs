using System.Threading.Channels;

namespace Topo.Cli.Commands.Watch;

/// <summary>
/// Every reason to reconcile, from every source, in arrival order. The reconciler takes them a
/// burst at a time: a deleted veth takes its addresses and routes with it, and one look is enough.
/// Time comes from <see cref="TimeProvider"/>: tests drive bursts and holds with a fake clock.
/// </summary>
internal sealed class TriggerQueue(WatchOptions options, TimeProvider time)
{
    private readonly Channel<Trigger> _channel = Channel.CreateUnbounded<Trigger>(new UnboundedChannelOptions { SingleReader = true });
    private long _waits;

    /// <summary>How many timed waits have begun: a test advancing a fake clock waits for the queue to park first.</summary>
    internal long Waits => Interlocked.Read(ref _waits);

    public void Post(Trigger trigger) => _channel.Writer.TryWrite(trigger);

    /// <summary>
    /// Waits for a trigger, then gathers what follows until the sources are quiet for
    /// <see cref="WatchOptions.Quiet"/> or <see cref="WatchOptions.Burst"/> has passed since the first.
    /// </summary>
    /// <param name="holdUntil">
    /// After a failed round (a timestamp of the queue's <see cref="TimeProvider"/>): until then
    /// triggers are gathered, not acted on — a rollback's own changes come back as kernel
    /// notifications and would otherwise start the next round at once — unless one of them
    /// reads the file again (an edit or SIGHUP may be the fix).
    /// </param>
    public async Task<IReadOnlyList<Trigger>> NextBurstAsync(CancellationToken stop, long holdUntil = 0)
    {
        var reader = _channel.Reader;
        var burst = new List<Trigger> { await reader.ReadAsync(stop) };
        while (!burst.Any(t => t.Reloads) && time.GetElapsedTime(holdUntil) is var past && past < TimeSpan.Zero)
        {
            while (reader.TryRead(out var held)) burst.Add(held);
            if (burst.Any(t => t.Reloads)) break;
            if (!await WaitToReadAsync(reader, -past, stop)) break; // held long enough
        }
        var deadline = time.GetTimestamp() + (long)(options.Burst.TotalSeconds * time.TimestampFrequency);
        while (true)
        {
            while (reader.TryRead(out var more)) burst.Add(more);
            var left = time.GetElapsedTime(time.GetTimestamp(), deadline);
            if (left <= TimeSpan.Zero) break;
            if (!await WaitToReadAsync(reader, left < options.Quiet ? left : options.Quiet, stop)) break; // quiet long enough
        }
        return burst;
    }

    /// <summary>True when a trigger arrived within <paramref name="limit"/>; false when the time ran out or the queue closed.</summary>
    private async Task<bool> WaitToReadAsync(ChannelReader<Trigger> reader, TimeSpan limit, CancellationToken stop)
    {
        using var timeout = new CancellationTokenSource(limit, time);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
        Interlocked.Increment(ref _waits);
        try
        {
            return await reader.WaitToReadAsync(wait.Token);
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            return false;
        }
    }
}
