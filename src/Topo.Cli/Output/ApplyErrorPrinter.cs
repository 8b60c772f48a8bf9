using Topo.Core.Host;

namespace Topo.Cli.Output;

internal static class ApplyErrorPrinter
{
    /// <summary>The failing step, the kernel's own words, and what had been applied (and undone) before it.</summary>
    public static void Print(ITopoConsole console, string verb, ApplyException e)
    {
        var w = console.Error;
        w.WriteLine($"error: {verb} failed at {Step(e)}");
        w.WriteLine($"  {Cause(e)}");
        if (KernelWordsNotInCause(e) is { } kernel) w.WriteLine($"  kernel: {kernel}");
        if (e.Applied.Count == 0) w.WriteLine("  nothing had been applied before it");
        else
        {
            var how = e.RollbackFailures.Count == 0 ? "and were rolled back" : "and were rolled back except where said below";
            w.WriteLine($"  {e.Applied.Count} step(s) had been applied before it, {how}:");
            foreach (var step in e.Applied) w.WriteLine($"    {step}");
        }
        if (e.RollbackFailures.Count == 0) return;
        // What could not be undone is still on the host, labelled as topo's: the next apply
        // (or destroy) plans from what it finds and finishes from there.
        foreach (var failure in e.RollbackFailures) w.WriteLine($"  rollback failed: {failure}");
        w.WriteLine($"  left on the host: what those steps made or changed; `topo {verb}` again finishes from there");
    }

    /// <summary>The same in one line, for a log: the failing step, the error, the kernel's words.</summary>
    /// <remarks>
    /// A netlink error already starts with what was done ("create link br-x: File exists …") and
    /// carries the kernel's words: each is said once.
    /// </remarks>
    public static string Summary(ApplyException e)
    {
        var cause = Cause(e);
        var text = cause.StartsWith(What(e) + ":", StringComparison.Ordinal)
            ? $"failed at step {e.Action.Id}: {cause}"
            : $"failed at {Step(e)}: {cause}";
        return KernelWordsNotInCause(e) is { } kernel ? $"{text} (kernel: {kernel})" : text;
    }

    private static string Cause(ApplyException e) => e.InnerException?.Message ?? e.Message;

    private static string? KernelWordsNotInCause(ApplyException e) =>
        e.KernelMessage is { Length: > 0 } kernel && !Cause(e).Contains(kernel, StringComparison.Ordinal) ? kernel : null;

    private static string What(ApplyException e) => $"{e.Action.Kind.ToString().ToLowerInvariant()} {e.Action.Subject.Display}";

    private static string Step(ApplyException e) => $"step {e.Action.Id}: {What(e)}";
}
