using System.Diagnostics;
using System.Text;
using Topo.Core.Spec;

namespace Topo.Core.Tests.Spec;

/// <summary>
/// Input made to hurt (issue 12, item 5): each is one clear error, in bounded time and memory.
/// Bounds are generous (a slow CI machine must pass) but far below what the input would cost
/// without the cap: the bomb expands to 10^10 nodes, the nesting would recurse 10^6 deep, the
/// big file would be read whole. Figures measured here are in docs/fuzzing.md.
/// </summary>
public sealed class HostileInputTests(ITestOutputHelper output)
{
    private const long MaxAllocatedBytes = 256L * 1024 * 1024;
    private static readonly TimeSpan MaxTime = TimeSpan.FromSeconds(20);

    private LoadResult Measured(string what, Func<LoadResult> load, long maxAllocated = MaxAllocatedBytes)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var result = load();
        clock.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"{what}: {clock.Elapsed.TotalMilliseconds:F0} ms, {allocated / 1024.0 / 1024.0:F1} MiB allocated; {result.Diagnostics.FirstOrDefault()}");
        Assert.Null(result.File);
        Assert.True(clock.Elapsed < MaxTime, $"{what} took {clock.Elapsed}");
        Assert.True(allocated < maxAllocated, $"{what} allocated {allocated} bytes");
        Assert.DoesNotContain(result.Diagnostics, d => d.Message.StartsWith("internal error", StringComparison.Ordinal));
        return result;
    }

    [Fact]
    public void Billion_laughs_is_refused()
    {
        // 10 levels of 10 aliases each: 10^10 nodes once expanded, 1 KiB of text.
        var sb = new StringBuilder("version: 1\nname: t\nx-0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var i = 1; i <= 10; i++)
            sb.Append($"x-{i}: &l{i} [{string.Join(", ", Enumerable.Repeat($"*l{i - 1}", 10))}]\n");
        var result = Measured("billion laughs", () => SpecLoader.Parse(sb.ToString(), "bomb.yaml"));
        var d = Assert.Single(result.Diagnostics);
        Assert.Contains($"expands to more than {YamlTreeBuilder.MaxExpandedNodes} YAML nodes", d.Message);
    }

    [Fact]
    public void Aliases_of_a_wide_mapping_are_refused()
    {
        // Few levels, each alias a big mapping: the count is of nodes reached, not of aliases written.
        var sb = new StringBuilder("version: 1\nname: t\nbase: &b {");
        sb.AppendJoin(", ", Enumerable.Range(0, 50_000).Select(i => $"k{i}: v"));
        sb.Append("}\nmany: [");
        sb.AppendJoin(", ", Enumerable.Repeat("*b", 100));
        sb.Append("]\n");
        var result = Measured("wide alias", () => SpecLoader.Parse(sb.ToString(), "wide.yaml"));
        Assert.Contains(result.Diagnostics, d => d.Message.Contains("expands to more than", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("flow lists", "[", "]")]
    [InlineData("flow mappings", "{a: ", "}")]
    [InlineData("block lists", "- ", "")] // "- - - x": nested block sequences on one line
    public void Deep_nesting_is_refused(string what, string open, string close)
    {
        const int Depth = 100_000;
        var text = "a:\n  " + string.Concat(Enumerable.Repeat(open, Depth)) + "x" + string.Concat(Enumerable.Repeat(close, Depth)) + "\n";
        var result = Measured($"deep nesting ({what})", () => SpecLoader.Parse(text, "deep.yaml"));
        Assert.Contains(result.Diagnostics, d => d.Message.Contains("nested deeper than", StringComparison.Ordinal));
    }

    [Fact]
    public void A_50_MB_file_is_refused_without_being_read()
    {
        var path = Path.Combine(Path.GetTempPath(), $"topo-big-{Environment.ProcessId}.yaml");
        try
        {
            using (var f = File.Create(path))
            {
                var line = Encoding.ASCII.GetBytes("# padding padding padding padding padding padding padding padding\n");
                for (long written = 0; written < 50L * 1024 * 1024; written += line.Length) f.Write(line);
            }
            var result = Measured("50 MB file", () => SpecLoader.Load(path), maxAllocated: 1024 * 1024);
            Assert.Contains($"may be at most {SpecLoader.MaxFileBytes} bytes", Assert.Single(result.Diagnostics).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_file_of_the_largest_allowed_size_of_nonsense_is_one_error()
    {
        // Just under the cap: 16 MiB in one long plain scalar, the worst a file that passes the size check can do.
        var text = "version: 1\nname: " + new string('a', (int)SpecLoader.MaxFileBytes - 40) + "\n";
        var result = Measured("16 MiB scalar", () => SpecLoader.Parse(text, "long.yaml"), maxAllocated: 1024L * 1024 * 1024);
        var d = Assert.Single(result.Diagnostics);
        Assert.Contains("is 16777176 characters long; at most 63 are allowed", d.Message);
        Assert.True(d.Message.Length < 1000, "a message quotes at most a bounded part of the file's text");
    }

    [Fact]
    public void Binary_data_is_refused_at_its_first_bad_byte()
    {
        var bytes = new byte[4 * 1024 * 1024];
        new Random(12).NextBytes(bytes);
        var result = Measured("4 MiB random bytes", () => SpecLoader.ParseUtf8(bytes, "random.bin"));
        var d = Assert.Single(result.Diagnostics);
        Assert.Contains("not UTF-8 text", d.Message);

        // An ELF header: valid UTF-8 up to a NUL.
        var elf = new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0, 0 };
        d = Assert.Single(Measured("ELF header", () => SpecLoader.ParseUtf8(elf, "topo")).Diagnostics);
        Assert.Equal("topo:1:1: error: the file is not YAML text: control character U+007F (write it as an escape inside double quotes if it is meant)", d.ToString());
    }

    [Fact]
    public void Invalid_utf8_is_an_error_at_its_place_not_a_replacement_character()
    {
        var path = Path.Combine(Path.GetTempPath(), $"topo-latin1-{Environment.ProcessId}.yaml");
        try
        {
            // "café" in Latin-1: a lossy read would make the name "caf\uFFFD" and go on.
            File.WriteAllBytes(path, [.. "version: 1\nname: t\ncontainers:\n  caf"u8, 0xE9, .. ": {}\n"u8]);
            var d = Assert.Single(Measured("Latin-1 file", () => SpecLoader.Load(path)).Diagnostics);
            Assert.Equal($"{path}:4:6: error: the file is not UTF-8 text: invalid byte sequence 0xE9 at byte 36", d.ToString());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
