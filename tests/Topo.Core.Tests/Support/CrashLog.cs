using System.Runtime.CompilerServices;

namespace Topo.Tests.Support;

/// <summary>
/// When an exception escapes a thread of the test process (which then aborts: "Test process
/// crashed with exit code 134", with nothing else said), writes it to a file in
/// TOPO_TEST_CRASH_DIR, where scripts/test-summary prints it. Linked into every test project.
/// </summary>
internal static class CrashLog
{
    [ModuleInitializer]
    internal static void Install()
    {
        if (Environment.GetEnvironmentVariable("TOPO_TEST_CRASH_DIR") is not { Length: > 0 } directory) return;
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            try
            {
                var name = $"crash-{typeof(CrashLog).Assembly.GetName().Name}-{Environment.ProcessId}.txt";
                File.AppendAllText(Path.Combine(directory, name),
                    $"unhandled on thread '{Thread.CurrentThread.Name ?? "(unnamed)"}' ({(e.IsTerminating ? "terminating" : "not terminating")}):\n{e.ExceptionObject}\n");
            }
            catch (IOException)
            {
                // Nowhere to write: the runtime still prints it and aborts.
            }
        };
    }
}
