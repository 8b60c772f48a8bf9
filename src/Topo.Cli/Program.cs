using Topo.Cli;
using Topo.Cli.Linux;
using Topo.Cli.Output;

// A command lives for a fraction of a second and keeps most of what it allocates (the host read,
// the desired state, the plan): each collection copies what it finds alive, nearly all of it.
// At 2,000 containers one container more took 0.54-0.69 s with a 32 MB region, 0.44-0.51 s with
// 128 MB (and no less with 192: it allocates under 128 MB), at 15 MB more resident (docs/scale.md).
// A small topology allocates a few MB and never reaches the budget: it costs memory only where it
// buys time. Faulting the fresh heap in 4 KiB pages cost as much as collecting: huge pages.
// The watcher lives for months: it collects as usual, in small pages.
if (args is not ["watch", ..])
{
    LinuxContext.UseHugePagesForTheHeap();
    // A heap limit below the budget (a memory-capped cgroup) may refuse it: collect as usual then.
    try { GC.TryStartNoGCRegion(NoCollectionBudget); }
    catch (ArgumentOutOfRangeException) { }
}

return CliApp.Run(args, LinuxContext.Create(new SystemConsole()));

internal static partial class Program
{
    /// <summary>Allocations a command may make before the collector runs after all.</summary>
    private const long NoCollectionBudget = 128L << 20;
}
