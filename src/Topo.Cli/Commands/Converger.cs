using System.Diagnostics;
using Topo.Cli.Output;
using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Rendering;
using Topo.Linux.Application;

namespace Topo.Cli.Commands;

/// <summary>
/// The apply loop shared by apply and destroy (and the watcher): under the apply lock, observe,
/// plan, show the plan, apply it, observe again — a non-empty second plan is a failure that
/// says what did not converge.
/// </summary>
internal static class Converger
{
    public static int Run(CliContext context, string verb, Topo.Core.Spec.TopologyFile? spec, Func<HostState, PlanOutcome> planFor)
    {
        var console = context.Console;
        var host = context.Host;
        try
        {
            using var held = host.Lock();
            var observed = HostObservation.For(host, spec);
            var outcome = planFor(observed);
            if (DiagnosticPrinter.Print(console, outcome.Errors)) return ExitCodes.Error;
            var plan = outcome.Plan!;
            if (plan.IsEmpty)
            {
                console.Out.WriteLine("No changes. The host matches the topology.");
                return ExitCodes.Success;
            }
            console.Out.Write(TextRenderer.Render(plan, new TextRenderOptions(Color: console.OutIsTerminal)));
            console.Out.WriteLine();

            var clock = Stopwatch.StartNew();
            var progress = console.ErrorIsTerminal ? new TerminalProgress(console.Error, plan) : null;
            var applied = host.Apply(plan, progress is null ? null : progress.Step);
            progress?.Done();

            var applyTime = clock.Elapsed;
            var verify = planFor(HostObservation.For(host, spec));
            var verifyTime = clock.Elapsed - applyTime;
            if (!verify.Succeeded || !verify.Plan!.IsEmpty)
            {
                console.Error.WriteLine($"error: {verb} ran every step, but the host did not converge; still different:");
                if (verify.Plan is { } left) console.Error.Write(TextRenderer.Render(left, TextRenderOptions.Plain));
                DiagnosticPrinter.Print(console, verify.Errors);
                return ExitCodes.Error;
            }
            console.Out.WriteLine(
                $"{Capitalized(verb)} complete! Resources: {plan.ToAdd} added, {plan.ToChange} changed, {plan.ToDestroy} destroyed. " +
                $"({applied.Steps} steps, {applied.WriteRequests} netlink writes; applied in {applyTime.TotalMilliseconds:F0} ms, " +
                $"verified by observing again in {verifyTime.TotalMilliseconds:F0} ms)");
            return ExitCodes.Success;
        }
        catch (ApplyException e)
        {
            ApplyErrorPrinter.Print(console, verb, e);
            return ExitCodes.Error;
        }
        catch (ApplyLockException e)
        {
            console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Error;
        }
    }

    private static string Capitalized(string verb) => char.ToUpperInvariant(verb[0]) + verb[1..];
}
