using Topo.Cli;
using Topo.Cli.Linux;
using Topo.Cli.Output;

// A command lives for a fraction of a second and allocates tens of megabytes at most; collecting
// during it cost more than the memory (two collections, ~15 ms of a 500-container plan), and so
// did faulting its fresh heap in 4 KiB pages. The watcher lives for months: it
// collects as usual, in small pages.
if (args is not ["watch", ..])
{
    LinuxContext.UseHugePagesForTheHeap();
    GC.TryStartNoGCRegion(NoCollectionBudget);
}

return CliApp.Run(args, LinuxContext.Create(new SystemConsole()));

internal static partial class Program
{
    /// <summary>Allocations a command may make before the collector runs after all.</summary>
    private const long NoCollectionBudget = 32L << 20;
}
