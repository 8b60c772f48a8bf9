using System.CommandLine;

namespace Topo.Cli.Commands.Confirm;

/// <summary>
/// <c>topo confirm [FILE|PROJECT]</c>: keeps the changes of an <c>apply --confirm</c> that waits
/// (in this shell or another, or whose process is gone). Too late is an error: past the deadline
/// the rollback is due, and this command does it.
/// </summary>
internal static class ConfirmCommand
{
    public static Command Create(CliContext context)
    {
        var target = new Argument<string?>("file-or-project")
        {
            Description = "The topology file (or project name) whose apply to keep; may be left out when only one waits",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("confirm", "Keep the changes of an `apply --confirm` that waits for confirmation") { target };
        command.SetAction(parse => Run(context, parse.GetValue(target)));
        return command;
    }

    private static int Run(CliContext context, string? target)
    {
        var console = context.Console;
        var store = PendingConfirmations.Default();
        var pending = store.List();
        var matching = target is null
            ? pending
            : pending.Where(p => p.Project == target || p.File == Path.GetFullPath(target)).ToList();
        if (matching.Count == 0)
        {
            console.Error.WriteLine(target is null ? "error: no apply waits for confirmation" : $"error: no apply of '{target}' waits for confirmation");
            return ExitCodes.Error;
        }
        if (matching.Count > 1)
        {
            console.Error.WriteLine("error: more than one apply waits for confirmation; name the file or project:");
            foreach (var p in matching) console.Error.WriteLine($"  {p.Project}  {p.File}  until {Rollbacks.Local(p.Deadline)}");
            return ExitCodes.Error;
        }
        var chosen = matching[0];
        if (chosen.Expired(DateTimeOffset.UtcNow))
        {
            console.Error.WriteLine($"error: too late: the apply of {chosen.File} had to be confirmed by {Rollbacks.Local(chosen.Deadline)}");
            if (!chosen.WaiterAlive) Rollbacks.Settle(context, store, chosen.Project);
            return ExitCodes.Error;
        }
        if (!store.TryConfirm(chosen.Project))
        {
            console.Error.WriteLine($"error: too late: the apply of {chosen.File} is being rolled back");
            return ExitCodes.Error;
        }
        console.Error.WriteLine($"Confirmed: the changes of {chosen.File} (project '{chosen.Project}') stay.");
        return ExitCodes.Success;
    }
}
