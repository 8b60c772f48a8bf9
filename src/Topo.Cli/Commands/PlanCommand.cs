using System.CommandLine;
using Topo.Cli.Output;
using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Resolution;
using Topo.Core.Snapshot;

namespace Topo.Cli.Commands;

/// <summary>
/// <c>topo plan FILE [--state SNAPSHOT | --against BASE.yaml]</c>: what apply would change.
/// Against the live host by default; against a saved snapshot, or against a host imagined
/// converged on BASE.yaml (pull-request review: no root, no host).
/// </summary>
internal static class PlanCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "The topology file" };
        var state = new Option<string?>("--state") { Description = "Plan against this snapshot (from `topo state`) instead of the live host" };
        var against = new Option<string?>("--against") { Description = "Plan the step from a host converged on this topology file" };
        var format = new Option<PlanFormat>("--format") { Description = "text, json or markdown", DefaultValueFactory = _ => PlanFormat.Text };
        var detailed = new Option<bool>("--detailed-exitcode") { Description = "Exit 0 when there are no changes, 2 when there are, 1 on error" };
        var commentLimit = new Option<int>("--comment-limit")
        {
            Description = "With --format markdown: the most characters the comment may have (GitHub's 65536 by default; 0: no limit)",
            DefaultValueFactory = _ => Topo.Core.Rendering.MarkdownRenderer.CommentLimit,
        };
        var command = new Command("plan", "Show what apply would change") { file, state, against, format, detailed, commentLimit };
        command.Validators.Add(r =>
        {
            if (r.GetValue(state) is not null && r.GetValue(against) is not null)
                r.AddError("--state and --against cannot be used together");
            if (r.GetResult(commentLimit) is { Implicit: false })
            {
                if (r.GetValue(format) != PlanFormat.Markdown) r.AddError("--comment-limit applies to --format markdown only");
                else if (r.GetValue(commentLimit) is < 0 or > 0 and < Topo.Core.Rendering.MarkdownRenderer.SmallestLimit)
                    r.AddError($"--comment-limit is a number of characters, at least {Topo.Core.Rendering.MarkdownRenderer.SmallestLimit} (room for the summary and the closing note), or 0 for no limit");
            }
        });
        command.SetAction(parse =>
        {
            var console = context.Console;
            if (parse.GetValue(state) is null && parse.GetValue(against) is null) context.StartHost();
            var spec = SpecInput.Load(console, parse.GetValue(file)!);
            if (spec is null) return ExitCodes.Error;

            HostState observed;
            ResolveOptions? options = null;
            if (parse.GetValue(state) is { } statePath)
            {
                try { observed = StateJson.Read(File.ReadAllBytes(statePath)); }
                catch (Exception e) when (e is StateFormatException or IOException or UnauthorizedAccessException)
                {
                    console.Error.WriteLine($"{statePath}: {e.Message}");
                    return ExitCodes.Error;
                }
            }
            else if (parse.GetValue(against) is { } basePath)
            {
                var baseSpec = SpecInput.Load(console, basePath);
                if (baseSpec is null) return ExitCodes.Error;
                var imagined = PlanBuilder.Imagine(baseSpec);
                if (DiagnosticPrinter.Print(console, imagined.Errors)) return ExitCodes.Error;
                observed = PlanSimulator.Apply(HostState.Empty, imagined.Plan!);
                options = new ResolveOptions { AssumeParentsExist = true };
            }
            else
            {
                observed = HostObservation.For(context.Host, spec);
            }

            var outcome = PlanBuilder.Build(spec, observed, options);
            if (DiagnosticPrinter.Print(console, outcome.Errors)) return ExitCodes.Error;
            PlanOutput.Write(outcome.Plan!, parse.GetValue(format), console, parse.GetValue(commentLimit));
            return parse.GetValue(detailed) && !outcome.Plan!.IsEmpty ? ExitCodes.Changes : ExitCodes.Success;
        });
        return command;
    }
}
