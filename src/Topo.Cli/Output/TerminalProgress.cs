using Topo.Core.Planning;

namespace Topo.Cli.Output;

/// <summary>One self-overwriting line on a terminal: "applying 812/2309 create link vethab12cd3".</summary>
internal sealed class TerminalProgress(TextWriter terminal, Plan plan)
{
    private readonly int _total = plan.Steps().Count();
    private int _done;
    private long _lastDraw;

    public void Step(PlanStep step)
    {
        _done++;
        // Redraw at most every 50 ms: a terminal is slower than netlink.
        var now = Environment.TickCount64;
        if (now - _lastDraw < 50 && _done < _total) return;
        _lastDraw = now;
        var line = $"applying {_done}/{_total} {step.Action.Kind.Verb()} {step.Action.Subject.Display}";
        terminal.Write($"\r\u001b[2K{(line.Length > 100 ? line[..100] : line)}");
    }

    public void Done() => terminal.Write("\r\u001b[2K");
}
