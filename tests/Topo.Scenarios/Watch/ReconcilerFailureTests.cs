using Microsoft.Extensions.Logging;
using Topo.Cli;
using Topo.Cli.Commands.Watch;
using Topo.Core.Model;
using Topo.Scenarios.Support;

namespace Topo.Scenarios.Watch;

/// <summary>
/// The watcher's round when an apply fails on the host (the in-memory one): the journal gets the
/// failing step with the kernel's words and how many steps were rolled back, one line per undo
/// that failed, and `topo status` the same; the watcher keeps running to try again.
/// </summary>
public sealed class ReconcilerFailureTests
{
    private const string Spec = "version: 1\nname: shop\nnetworks:\n  back: {subnet: 10.20.0.0/24}\ncontainers:\n  web: {networks: [back]}\n";

    private static readonly FailingStep BridgeExists = new(3, "File exists (errno 17)", "Device already exists");

    [Fact]
    public async Task A_failed_apply_is_logged_with_its_step_the_kernels_words_and_the_rollback()
    {
        var (lines, status) = await FirstRound(new MemoryHost(HostState.Empty) { Failure = BridgeExists });

        Assert.Contains(
            "Error: reconcile #1 (start): failed: failed at step 3: " +
            "create link br-aa4d12576c59: File exists (errno 17): Device already exists; 2 earlier step(s) rolled back in ",
            lines.Single(l => l.Contains("reconcile #1")));
        Assert.DoesNotContain(lines, l => l.Contains("rollback failed"));
        Assert.Equal("failed", status.Last!.Result);
        Assert.StartsWith("failed at step 3: create link br-aa4d12576c59", status.Last.Message);
        Assert.True(status.Running);
    }

    [Fact]
    public async Task An_undo_that_fails_is_logged_as_an_error_of_its_own()
    {
        var (lines, _) = await FirstRound(new MemoryHost(HostState.Empty) { Failure = BridgeExists with { UndoFails = new HashSet<int> { 2 } } });

        Assert.Contains("Error: rollback failed: undo of 'create namespace web' failed: Device or resource busy (errno 16)", lines);
    }

    /// <summary>Runs the watcher's reconciler until its first round is done; its log lines and the status it wrote then.</summary>
    private static async Task<(List<string> Lines, WatchStatus Status)> FirstRound(MemoryHost host)
    {
        var lines = new List<string>();
        using var logs = LoggerFactory.Create(b => b.AddProvider(new LineLogger(lines)));
        using var watcher = new ReconcilerHarness(Spec, host, new SilentFeed(), logs);

        await watcher.StartAsync(TestContext.Current.CancellationToken);
        var status = watcher.Store.List().Single();
        await watcher.Reconciler.StopAsync(TestContext.Current.CancellationToken);
        lock (lines) return ([.. lines], status);
    }

    private sealed class SilentFeed : IChangeFeed
    {
        public async IAsyncEnumerable<FeedChange> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            yield break;
        }

        public IReadOnlySet<string> Follow(IReadOnlyCollection<string> namespaces) => namespaces.ToHashSet();

        public void Dispose() { }
    }

    /// <summary>"Level: message", one entry per log call.</summary>
    private sealed class LineLogger(List<string> lines) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (lines) lines.Add($"{logLevel}: {formatter(state, exception)}");
        }

        public void Dispose() { }
    }
}
