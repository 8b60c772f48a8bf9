using Microsoft.Extensions.Time.Testing;
using Topo.Cli.Commands.Watch;

namespace Topo.Scenarios.Watch;

/// <summary>
/// How the watcher merges bursts of reasons into one look at the host, on a fake clock: every
/// window and hold is exact, and nothing depends on how busy the machine is.
/// </summary>
public sealed class TriggerQueueTests
{
    private static readonly WatchOptions Options = new("unused.yaml") { Quiet = TimeSpan.FromMilliseconds(50), Burst = TimeSpan.FromMilliseconds(300) };

    private readonly CountingTime _time = new();
    private readonly TriggerQueue _queue;

    public TriggerQueueTests() => _queue = new TriggerQueue(Options, _time);

    private static Trigger Kernel(int i) => new(TriggerKind.Kernel, $"kernel: change {i}");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>
    /// A fake clock that counts the timers it fires. Firing happens inside Advance, so "nothing
    /// fired" is known at once, and when something did, the queue reacts: parks in its next
    /// timed wait, or completes the burst.
    /// </summary>
    private sealed class CountingTime : TimeProvider
    {
        private readonly FakeTimeProvider _fake = new();
        private int _fired;

        public int Fired => Volatile.Read(ref _fired);
        public void Advance(TimeSpan by) => _fake.Advance(by);
        public override long GetTimestamp() => _fake.GetTimestamp();
        public override long TimestampFrequency => _fake.TimestampFrequency;
        public override DateTimeOffset GetUtcNow() => _fake.GetUtcNow();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            _fake.CreateTimer(s => { Interlocked.Increment(ref _fired); callback(s); }, state, dueTime, period);
    }

    /// <summary>Advances the clock; true when a wait of the queue ran out (and the queue has reacted to it).</summary>
    private async Task<bool> AdvanceAsync(Task burst, TimeSpan by)
    {
        var fired = _time.Fired;
        var waits = _queue.Waits;
        _time.Advance(by);
        if (_time.Fired == fired) return false;
        await ReactedAsync(burst, waits);
        return true;
    }

    /// <summary>Posts a trigger into a parked burst and waits for the queue to park again (or finish).</summary>
    private async Task PostAsync(Task burst, Trigger trigger)
    {
        var waits = _queue.Waits;
        _queue.Post(trigger);
        await ReactedAsync(burst, waits);
    }

    /// <summary>Until the queue began another timed wait or finished; the real-time limit only turns a hang into a failure.</summary>
    private async Task ReactedAsync(Task burst, long waits)
    {
        var until = Task.Run(async () =>
        {
            while (!burst.IsCompleted && _queue.Waits <= waits) await Task.Delay(1, Token);
        }, Token);
        await until.WaitAsync(TimeSpan.FromSeconds(10), Token);
    }

    private Task<IReadOnlyList<Trigger>> Next(long holdUntil = 0) => _queue.NextBurstAsync(Token, holdUntil);

    [Fact]
    public async Task Everything_queued_before_a_look_is_one_burst_in_arrival_order()
    {
        for (var i = 0; i < 5; i++) _queue.Post(Kernel(i));
        var burst = Next();
        Assert.False(await AdvanceAsync(burst, Options.Quiet - TimeSpan.FromMilliseconds(1))); // waits out the quiet time for more
        Assert.True(await AdvanceAsync(burst, TimeSpan.FromMilliseconds(1)));
        var got = await burst.WaitAsync(TimeSpan.FromSeconds(10), Token);
        Assert.Equal(["kernel: change 0", "kernel: change 1", "kernel: change 2", "kernel: change 3", "kernel: change 4"], got.Select(t => t.Detail));
        Assert.Equal("kernel: change 0 (+4 more)", Trigger.Describe(got));
    }

    [Fact]
    public async Task A_steady_stream_is_cut_at_the_burst_window_exactly()
    {
        _queue.Post(Kernel(0));
        var burst = Next();
        var step = TimeSpan.FromMilliseconds(10); // never quiet for 50 ms
        var posted = 1;
        for (var t = step; t < Options.Burst; t += step)
        {
            Assert.False(await AdvanceAsync(burst, step), $"a wait ran out after {t.TotalMilliseconds} ms of a stream");
            await PostAsync(burst, Kernel(posted++));
            Assert.False(burst.IsCompleted, $"cut after {t.TotalMilliseconds} ms of a 300 ms window");
        }
        Assert.True(await AdvanceAsync(burst, step));
        var first = await burst.WaitAsync(TimeSpan.FromSeconds(10), Token);
        Assert.Equal(posted, first.Count);
        // What comes after the cut is the next burst, in order.
        _queue.Post(Kernel(posted));
        var next = Next();
        Assert.True(await AdvanceAsync(next, Options.Quiet));
        Assert.Equal(posted, Number(Assert.Single(await next.WaitAsync(TimeSpan.FromSeconds(10), Token))));
    }

    private static int Number(Trigger t) => int.Parse(t.Detail["kernel: change ".Length..], System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task After_a_failure_kernel_changes_wait_out_the_hold()
    {
        var holdUntil = _time.GetTimestamp() + _time.TimestampFrequency; // 1 s
        _queue.Post(Kernel(0)); // what a rollback's own changes look like
        var burst = Next(holdUntil);
        Assert.False(await AdvanceAsync(burst, TimeSpan.FromMilliseconds(999)), "acted on before the hold ended");
        Assert.True(await AdvanceAsync(burst, TimeSpan.FromMilliseconds(1)));
        Assert.False(burst.IsCompleted); // then the usual quiet time
        Assert.True(await AdvanceAsync(burst, Options.Quiet));
        Assert.Equal("kernel: change 0", Assert.Single(await burst.WaitAsync(TimeSpan.FromSeconds(10), Token)).Detail);
    }

    [Fact]
    public async Task An_edit_ends_the_hold_at_once()
    {
        var holdUntil = _time.GetTimestamp() + 30 * _time.TimestampFrequency;
        _queue.Post(Kernel(1));
        var burst = Next(holdUntil);
        Assert.False(await AdvanceAsync(burst, TimeSpan.FromMilliseconds(100)));
        await PostAsync(burst, new Trigger(TriggerKind.File, "file changed")); // 29.9 s before the hold ends
        Assert.True(await AdvanceAsync(burst, Options.Quiet));
        var got = await burst.WaitAsync(TimeSpan.FromSeconds(10), Token);
        Assert.Contains(got, t => t.Kind == TriggerKind.File);
        Assert.Contains(got, t => t.Kind == TriggerKind.Kernel);
    }
}
