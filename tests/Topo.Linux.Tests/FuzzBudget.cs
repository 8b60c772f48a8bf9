using System.Diagnostics;

namespace Topo.Linux.Tests;

/// <summary>
/// How long a fuzz harness runs: a few seconds in the suite; TOPO_FUZZ_ITERATIONS=N for the long
/// run (docs/fuzzing.md). Each harness reports its executions and rate to the test output.
/// </summary>
internal static class FuzzBudget
{
    public static long Iterations(long suite) =>
        long.TryParse(Environment.GetEnvironmentVariable("TOPO_FUZZ_ITERATIONS"), out var n) && n > 0 ? n : suite;

    public static void Run(ITestOutputHelper output, string harness, long suite, Action<long> sample)
    {
        var iterations = Iterations(suite);
        var clock = Stopwatch.StartNew();
        sample(iterations);
        clock.Stop();
        var line = $"fuzz {harness}: {iterations:N0} executions in {clock.Elapsed.TotalSeconds:F1} s = {iterations / clock.Elapsed.TotalSeconds:N0}/s";
        output.WriteLine(line);
        if (Environment.GetEnvironmentVariable("TOPO_FUZZ_REPORT") is { Length: > 0 } report) File.AppendAllText(report, line + "\n");
    }
}
