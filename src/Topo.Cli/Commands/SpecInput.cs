using Topo.Cli.Output;
using Topo.Core.Spec;

namespace Topo.Cli.Commands;

internal static class SpecInput
{
    /// <summary>Loads and validates a topology file; prints every problem and returns null when there is any.</summary>
    public static TopologyFile? Load(ITopoConsole console, string path)
    {
        var result = SpecLoader.Load(path);
        var failed = DiagnosticPrinter.Print(console, result.Diagnostics);
        return failed ? null : result.File;
    }
}
