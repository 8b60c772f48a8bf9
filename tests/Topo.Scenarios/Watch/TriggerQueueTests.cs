using Topo.Cli.Commands.Watch;

namespace Topo.Scenarios.Watch;

/// <summary>How the watcher merges bursts of reasons into one look at the host.</summary>
public sealed class TriggerQueueTests
{
    private static readonly WatchOptions Options = new("unused.yaml") { Quiet = TimeSpan.FromMilliseconds(50), Burst = TimeSpan.FromMilliseconds(300) };

    private static Trigger Kernel(int i) => new(TriggerKind.Kernel, $"kernel: change {i}");

    private static int Number(Trigger t) => int.Parse(t.Detail["kernel: change ".Length..], System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Everything_queued_before_a_look_is_one_burst_in_arrival_order()
    {
        var queue = new TriggerQueue(Options);
        for (var i = 0; i < 5; i++) queue.Post(Kernel(i));
        var burst = await queue.NextBurstAsync(TestContext.Current.CancellationToken);
        Assert.Equal(["kernel: change 0", "kernel: change 1", "kernel: change 2", "kernel: change 3", "kernel: change 4"], burst.Select(t => t.Detail));
        Assert.Equal("kernel: change 0 (+4 more)", Trigger.Describe(burst));
    }

    [Fact]
    public async Task A_steady_stream_is_cut_into_bursts_no_longer_than_the_burst_window()
    {
        var queue = new TriggerQueue(Options);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var producer = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                queue.Post(Kernel(i));
                await Task.Delay(10, TestContext.Current.CancellationToken);
            }
        }, TestContext.Current.CancellationToken);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        IReadOnlyList<Trigger> first, second;
        TimeSpan took;
        try
        {
            // Without the window this would never return while the stream goes on.
            first = await queue.NextBurstAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
            took = clock.Elapsed;
            second = await queue.NextBurstAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        }
        finally
        {
            await stop.CancelAsync();
            await producer;
        }
        // Never quiet for 50 ms, so only the 300 ms window ends the burst (a loaded machine may pause longer).
        Assert.True(took < TimeSpan.FromSeconds(3), $"a burst took {took}");
        Assert.NotEmpty(second); // the stream went on after the first burst was cut, in order
        Assert.Equal(Number(first[^1]) + 1, Number(second[0]));
        Assert.Equal("kernel: change 0", first[0].Detail);
    }

    [Fact]
    public async Task After_a_failure_kernel_changes_wait_out_the_backoff_but_an_edit_does_not()
    {
        var queue = new TriggerQueue(Options);
        var holdUntil = System.Diagnostics.Stopwatch.GetTimestamp() + System.Diagnostics.Stopwatch.Frequency; // 1 s
        var clock = System.Diagnostics.Stopwatch.StartNew();
        queue.Post(Kernel(0)); // what a rollback's own changes look like
        var held = await queue.NextBurstAsync(TestContext.Current.CancellationToken, holdUntil);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"acted on after {clock.Elapsed}");
        Assert.Equal("kernel: change 0", Assert.Single(held).Detail);

        holdUntil = System.Diagnostics.Stopwatch.GetTimestamp() + 30 * System.Diagnostics.Stopwatch.Frequency;
        clock.Restart();
        queue.Post(Kernel(1));
        var edit = Task.Run(async () =>
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            queue.Post(new Trigger(TriggerKind.File, "file changed"));
        }, TestContext.Current.CancellationToken);
        var burst = await queue.NextBurstAsync(TestContext.Current.CancellationToken, holdUntil).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await edit;
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"an edit waited {clock.Elapsed}");
        Assert.Contains(burst, t => t.Kind == TriggerKind.File);
    }
}
