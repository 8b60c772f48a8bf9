using Topo.Cli;
using Topo.Cli.Output;
using Topo.Core.Model;
using Topo.Linux.Execution;

namespace Topo.Scenarios.Support;

/// <summary>Runs the real command tree in-process with a captured console; the live host is a fixed state.</summary>
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

    /// <summary>A host in memory: apply runs the plan through the simulator.</summary>
    private sealed class FixedHost(HostState state) : IHostAccess
    {
        public HostState Observe(string project, IReadOnlyCollection<string> sysctls, Func<string, bool>? unchanged = null, Func<string, bool>? filesUnchanged = null) => state;

        public IDisposable Lock(Action<string>? notice = null) => new MemoryStream();

        public IReadOnlyList<SysctlState> ReadSysctls(IEnumerable<string> keys) =>
            [.. state.Sysctls.Where(s => keys.Contains(s.Name))];

        public ApplyOutcome Apply(Topo.Core.Planning.Plan plan, Action<Topo.Core.Planning.PlanStep>? onStep)
        {
            state = Topo.Core.Planning.PlanSimulator.Apply(state, plan);
            return new ApplyOutcome(plan.Actions.Length, 0, TimeSpan.Zero);
        }

        public IChangeFeed OpenChangeFeed() => throw new NotSupportedException("the in-memory host has no kernel to listen to");

        public IEmbeddedResolver OpenResolver(Microsoft.Extensions.Logging.ILogger log) => throw new NotSupportedException("the in-memory host has no namespaces to serve");
    }

    public static Result Run(params string[] args) => RunAgainst(HostState.Empty, args);

    public static Result RunAgainst(HostState host, params string[] args) => Run(host, NeverExec, args);

    /// <summary>Runs with <paramref name="exec"/> standing in for becoming a command (topo exec).</summary>
    public static Result Run(HostState host, Func<ExecRequest, ExecFailure> exec, params string[] args)
    {
        var console = new CapturedConsole();
        var exit = CliApp.Run(args, new CliContext(console, () => new FixedHost(host), exec));
        return new Result(exit, console.OutWriter.ToString(), console.ErrorWriter.ToString());
    }

    /// <summary>In-process tests must never replace the test host with a command.</summary>
    private static ExecFailure NeverExec(ExecRequest request) =>
        throw new InvalidOperationException("an in-process test asked to exec; pass a stand-in");
}
