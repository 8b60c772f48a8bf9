using System.Runtime.InteropServices;

namespace Topo.Linux.Tests;

/// <summary>
/// A command's heap is faulted in huge pages where the kernel offers them: the mapping that
/// holds a freshly allocated object carries the kernel's "hg" flag (MADV_HUGEPAGE) afterwards.
/// </summary>
public sealed class HeapPagesTests
{
    [Fact]
    public void The_managed_heap_is_advised_to_use_huge_pages()
    {
        if (!Directory.Exists("/sys/kernel/mm/transparent_hugepage")) Assert.Skip("the kernel has no transparent huge pages (CONFIG_TRANSPARENT_HUGEPAGE)");
        HeapPages.AdviseHuge();

        var flags = VmFlagsOf(AddressOf(new byte[64]));

        Assert.Contains("hg", flags);
    }

    private static ulong AddressOf(object value)
    {
        var handle = GCHandle.Alloc(value, GCHandleType.Pinned);
        try { return (ulong)handle.AddrOfPinnedObject(); }
        finally { handle.Free(); }
    }

    /// <summary>The VmFlags line of the mapping in /proc/self/smaps that holds <paramref name="address"/>.</summary>
    private static string[] VmFlagsOf(ulong address)
    {
        var inside = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            var dash = line.IndexOf('-');
            var space = line.IndexOf(' ');
            if (dash > 0 && space > dash && ulong.TryParse(line.AsSpan(0, dash), System.Globalization.NumberStyles.HexNumber, null, out var start)
                && ulong.TryParse(line.AsSpan(dash + 1, space - dash - 1), System.Globalization.NumberStyles.HexNumber, null, out var end))
            {
                inside = start <= address && address < end;
                continue;
            }
            if (inside && line.StartsWith("VmFlags:", StringComparison.Ordinal)) return line["VmFlags:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        }
        throw new InvalidOperationException($"no mapping holds 0x{address:x}");
    }
}
