using Topo.Cli.Output;
using Topo.Core.Host;
using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Rendering;

namespace Topo.Cli.Commands;

/// <summary>
/// apply and destroy on a terminal: one <see cref="Convergence"/> round that shows the plan,
/// shows progress, and says what did not converge — a non-empty second plan is a failure.
/// </summary>
internal static class Converger
{
    /// <param name="beforeApply">Runs once the plan is known to have changes, before the first step (apply --confirm records its checkpoint).</param>
    public static int Run(CliContext context, string verb, Topo.Core.Spec.TopologyFile? spec, Func<HostState, PlanOutcome> planFor,
        Action<Plan>? beforeApply = null)
    {
        var console = context.Console;
        TerminalProgress? progress = null;
        try
        {
            var result = Convergence.Run(
                context.Host, spec, planFor,
                beforeApply: plan =>
                {
                    beforeApply?.Invoke(plan);
                    PlanOutput.Write(plan, PlanFormat.Text, console);
                    console.Out.WriteLine();
                    if (console.ErrorIsTerminal) progress = new TerminalProgress(console.Error, plan);
                },
                onStep: step => progress?.Step(step),
                beforeVerify: () => progress?.Done(),
                notice: message => console.Error.WriteLine(message));

            if (result.PlanFailed)
            {
                DiagnosticPrinter.Print(console, result.Errors);
                return ExitCodes.Error;
            }
            DiagnosticPrinter.Print(console, result.Warnings);
            if (result.NothingToDo)
            {
                console.Out.WriteLine("No changes. The host matches the topology.");
                return ExitCodes.Success;
            }
            if (!result.Converged)
            {
                console.Error.WriteLine($"error: {verb} ran every step, but the host did not converge; still different:");
                if (result.Remaining is { } left) console.Error.Write(TextRenderer.Render(left, TextRenderOptions.Plain));
                DiagnosticPrinter.Print(console, result.Errors);
                return ExitCodes.Error;
            }
            var plan = result.Plan!;
            var applied = result.Applied!;
            console.Out.WriteLine(
                $"{Capitalized(verb)} complete! Resources: {plan.ToAdd} added, {plan.ToChange} changed, {plan.ToDestroy} destroyed. " +
                $"({applied.Steps} steps, {applied.WriteRequests} netlink writes; applied in {result.ApplyTime.TotalMilliseconds:F0} ms, " +
                $"verified by observing again in {result.VerifyTime.TotalMilliseconds:F0} ms)");
            return ExitCodes.Success;
        }
        catch (ApplyException e)
        {
            ApplyErrorPrinter.Print(console, verb, e);
            return ExitCodes.Error;
        }
    }

    private static string Capitalized(string verb) => char.ToUpperInvariant(verb[0]) + verb[1..];
}
