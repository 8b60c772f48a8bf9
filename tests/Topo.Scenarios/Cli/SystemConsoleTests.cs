using System.Text;
using Topo.Cli.Commands;
using Topo.Cli.Output;
using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Rendering;

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

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_plan_is_written_as_it_is_rendered_in_few_writes_and_byte_for_byte_the_rendered_text(bool json)
    {
        var format = json ? PlanFormat.Json : PlanFormat.Text;
        // 300 new containers' hosts files of 400 lines each: ~5 MB, written in pieces of a few characters.
        // Each differs in its first line: a content shown before would be named, not written again.
        var hosts = string.Concat(Enumerable.Range(2, 400).Select(i => $"10.30.{i / 250}.{i % 250}\tc{i} c{i}.app\n"));
        var actions = Enumerable.Range(0, 300).Select(i =>
        {
            var owner = new Label("big", LabelRole.Container, $"c{i}");
            var file = new NamespaceFileState($"c{i}", NamespaceFileState.Hosts, $"127.0.1.1\tc{i}\n{hosts}") { Owner = owner };
            return new PlanAction(i + 1, ActionKind.Create, null, file, [], "test", [], []);
        }).ToArray();
        var plan = new Plan("big", [.. actions], HostState.Empty);
        var expected = format == PlanFormat.Json ? JsonRenderer.Render(plan) : TextRenderer.Render(plan, TextRenderOptions.Plain);
        var stdout = new CountingStream(Encoding.UTF8.GetByteCount(expected));
        var console = new Console(SystemConsole.BufferedWriter(stdout, new UTF8Encoding(false)));

        var before = GC.GetAllocatedBytesForCurrentThread();
        PlanOutput.Write(plan, format, console);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(expected.Length > 3_000_000, $"{expected.Length} characters");
        Assert.Equal(expected, Encoding.UTF8.GetString(stdout.ToArray()));
        Assert.InRange(stdout.Writes, 1, expected.Length / 16_384 + 2); // written in pieces, sent in chunks
        Assert.True(allocated < 1 << 20, $"{allocated} bytes allocated: the document was held whole"); // UTF-16, it is 6 MB
    }

    private sealed class Console(TextWriter stdout) : ITopoConsole
    {
        public TextWriter Out => stdout;
        public TextWriter Error => TextWriter.Null;
        public bool OutIsTerminal => false;
        public bool ErrorIsTerminal => false;
    }

    /// <summary>A pipe: cannot seek, counts the writes it is given.</summary>
    private sealed class CountingStream(int capacity = 0) : MemoryStream(capacity)
    {
        public int Writes { get; private set; }
        public override bool CanSeek => false;
        public override void Write(byte[] buffer, int offset, int count) { Writes++; base.Write(buffer, offset, count); }
        public override void Write(ReadOnlySpan<byte> buffer) { Writes++; base.Write(buffer); }
    }
}
