namespace Topo.Cli.Output;

/// <summary>
/// Where a command writes: machine output (JSON, plans asked for on stdout) to <see cref="Out"/>,
/// everything for people to <see cref="Error"/>. Behind an interface so tests capture both.
/// </summary>
internal interface ITopoConsole
{
    TextWriter Out { get; }
    TextWriter Error { get; }
    /// <summary>Colour and progress only when stdout is a terminal.</summary>
    bool OutIsTerminal { get; }
    bool ErrorIsTerminal { get; }
}
