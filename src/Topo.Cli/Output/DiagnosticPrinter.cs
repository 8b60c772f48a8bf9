using Topo.Core.Spec;

namespace Topo.Cli.Output;

internal static class DiagnosticPrinter
{
    /// <summary>Prints every diagnostic as <c>file:line:column: error: message</c>; true when any is an error.</summary>
    public static bool Print(ITopoConsole console, IEnumerable<Diagnostic> diagnostics)
    {
        var failed = false;
        foreach (var d in diagnostics)
        {
            console.Error.WriteLine(d.ToString());
            failed |= d.Severity == Severity.Error;
        }
        return failed;
    }
}
