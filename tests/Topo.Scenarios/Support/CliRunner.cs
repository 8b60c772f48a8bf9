using Topo.Cli;
using Topo.Cli.Output;
using Topo.Core.Model;
using Topo.Cli.Linux;
using Topo.Core.Host;

namespace Topo.Scenarios.Support;

/// <summary>Runs the real command tree in-process with a captured console; the live host is a <see cref="MemoryHost"/>.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Out, string Error);

    private sealed class CapturedConsole : ITopoConsole
    {
        public StringWriter OutWriter { get; } = new() { NewLine = "\n" };
        public StringWriter ErrorWriter { get; } = new() { NewLine = "\n" };
        public TextWriter Out => OutWriter;
        public TextWriter Error => ErrorWriter;
        public bool OutIsTerminal => false;
        public bool ErrorIsTerminal => false;
    }

    public static Result Run(params string[] args) => RunAgainst(HostState.Empty, args);

    public static Result RunAgainst(HostState host, params string[] args) => Run(host, NeverExec, args);

    /// <summary>Runs with <paramref name="exec"/> standing in for becoming a command (topo exec).</summary>
    public static Result Run(HostState host, Func<ExecRequest, ExecFailure> exec, params string[] args) =>
        Run(new MemoryHost(host), exec, args);

    /// <summary>Runs against <paramref name="host"/> (one that fails an apply, say).</summary>
    public static Result RunAgainst(MemoryHost host, params string[] args) => Run(host, NeverExec, args);

    private static Result Run(MemoryHost host, Func<ExecRequest, ExecFailure> exec, string[] args)
    {
        var console = new CapturedConsole();
        var exit = CliApp.Run(args, new CliContext(console, () => host, exec, LinuxRunFiles.Instance));
        return new Result(exit, console.OutWriter.ToString(), console.ErrorWriter.ToString());
    }

    /// <summary>In-process tests must never replace the test host with a command.</summary>
    private static ExecFailure NeverExec(ExecRequest request) =>
        throw new InvalidOperationException("an in-process test asked to exec; pass a stand-in");
}
