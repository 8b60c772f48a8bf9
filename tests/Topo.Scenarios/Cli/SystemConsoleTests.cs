using System.Text;
using Topo.Cli.Output;

namespace Topo.Scenarios.Cli;

/// <summary>
/// What reaches stdout, and in how many writes: a large plan goes out in 64 KiB writes, not
/// hundreds of thousands of small ones, and every call is still out before the next line on stderr.
/// </summary>
public sealed class SystemConsoleTests
{
    [Fact]
    public void A_large_plan_goes_out_in_few_writes_and_each_call_is_out_at_once()
    {
        var stdout = new CountingStream();
        var writer = SystemConsole.BufferedWriter(stdout, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        var plan = string.Concat(Enumerable.Range(0, 100_000).Select(i => $"  + address c{i}/eth0 10.0.{i % 250}.{i % 200}/16\n"));

        writer.Write(plan);
        var afterPlan = stdout.ToArray();
        writer.WriteLine("Apply complete! é");

        Assert.InRange(stdout.Writes, 1, plan.Length / 16_384 + 2); // 16 KiB a write at least
        Assert.Equal(plan, Encoding.UTF8.GetString(afterPlan)); // all of it, no byte-order mark
        Assert.EndsWith("Apply complete! é\n", Encoding.UTF8.GetString(stdout.ToArray()), StringComparison.Ordinal);
    }

    /// <summary>A pipe: cannot seek, counts the writes it is given.</summary>
    private sealed class CountingStream : MemoryStream
    {
        public int Writes { get; private set; }
        public override bool CanSeek => false;
        public override void Write(byte[] buffer, int offset, int count) { Writes++; base.Write(buffer, offset, count); }
        public override void Write(ReadOnlySpan<byte> buffer) { Writes++; base.Write(buffer); }
    }
}
