using System.Runtime.InteropServices;
using System.Text;
using Tmds.Linux;
using Topo.Core.Host;
using static Tmds.Linux.LibC;

namespace Topo.Linux.Execution;

/// <summary>
/// execve with a shell's command lookup and a shell's meaning of failure: a name without a
/// slash is looked for in each PATH directory in turn (an empty entry is the working directory),
/// a file the kernel will not run for lack of a <c>#!</c> line is given to /bin/sh, and a
/// command nowhere to be found is <see cref="ExecFailureKind.NotFound"/> (127) while one found
/// but not runnable is <see cref="ExecFailureKind.NotExecutable"/> (126). The search is glibc
/// execvp's, which Tmds.LibC does not bind.
/// </summary>
internal static unsafe class ProgramImage
{
    /// <summary>glibc's confstr(_CS_PATH), what execvp searches when PATH is not set.</summary>
    private const string DefaultPath = "/bin:/usr/bin";

    private const string Shell = "/bin/sh";

    /// <summary>Replaces the process with <paramref name="command"/>; returns only if that failed.</summary>
    public static ExecFailure Exec(IReadOnlyList<string> command)
    {
        var file = command[0];
        if (file.Length == 0) return new ExecFailure(ExecFailureKind.NotFound, "'': command not found");
        var arguments = CommandLine.Exact(command);
        var environment = Environ();
        using var restore = ExecSignals.Prepare();

        if (file.Contains('/')) return Failure(file, TryExec(file, arguments, environment));
        var denied = false;
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? DefaultPath).Split(':'))
        {
            var candidate = directory.Length == 0 ? file : Path.Join(directory, file);
            var error = TryExec(candidate, arguments, environment);
            // glibc execvp: these mean "not here (for us)"; anything else means the file is
            // there but would not run, and the search stops with that error.
            if (error == EACCES) denied = true;
            else if (error != ENOENT && error != ESTALE && error != ENOTDIR && error != ENODEV && error != ETIMEDOUT) return Failure(candidate, error);
        }
        return denied
            ? new ExecFailure(ExecFailureKind.NotExecutable, $"{file}: {Marshal.GetPInvokeErrorMessage(EACCES)}")
            : new ExecFailure(ExecFailureKind.NotFound, $"{file}: command not found");
    }

    private static ExecFailure Failure(string path, int error) => error == ENOENT
        ? new ExecFailure(ExecFailureKind.NotFound, $"{path}: {Marshal.GetPInvokeErrorMessage(error)}")
        : new ExecFailure(ExecFailureKind.NotExecutable, $"{path}: {Marshal.GetPInvokeErrorMessage(error)}");

    /// <summary>execve; on ENOEXEC (no #! line), as a shell script. Returns the errno it failed with.</summary>
    private static int TryExec(string path, IReadOnlyList<byte[]> arguments, byte** environment)
    {
        using (var argv = new NativeStrings([Terminated(path), .. arguments]))
        {
            // argv[0] is the command as given; the path only tells execve where the file is.
            execve(argv[0], argv.From(1), environment);
            if (errno != ENOEXEC) return errno;
        }
        // As execvp: "/bin/sh FILE ARGS…".
        using var script = new NativeStrings([Terminated(Shell), Terminated(path), .. arguments.Skip(1)]);
        execve(script[0], script.From(0), environment);
        return errno;
    }

    private static byte[] Terminated(string s) => Encoding.UTF8.GetBytes(s + "\0");

    /// <summary>
    /// The environment exactly as the process got it: .NET reads it into a copy of its own at
    /// startup and never writes back (Environment.SetEnvironmentVariable changes only the copy,
    /// which also turns bytes that are not UTF-8 into U+FFFD).
    /// </summary>
    private static byte** Environ() => *(byte***)NativeLibrary.GetExport(NativeLibrary.Load("libc.so.6"), "environ");

    /// <summary>A NULL-terminated array of C strings in native memory, freed on dispose.</summary>
    private sealed class NativeStrings : IDisposable
    {
        private readonly byte** _array;
        private readonly int _count;

        public NativeStrings(IReadOnlyList<byte[]> terminated)
        {
            _count = terminated.Count;
            _array = (byte**)NativeMemory.AllocZeroed((nuint)(_count + 1), (nuint)sizeof(byte*));
            for (var i = 0; i < _count; i++)
            {
                var bytes = terminated[i];
                var p = (byte*)NativeMemory.Alloc((nuint)bytes.Length);
                bytes.CopyTo(new Span<byte>(p, bytes.Length));
                _array[i] = p;
            }
        }

        public byte* this[int index] => _array[index];

        /// <summary>The array from <paramref name="index"/> on (still NULL-terminated).</summary>
        public byte** From(int index) => _array + index;

        public void Dispose()
        {
            for (var i = 0; i < _count; i++) NativeMemory.Free(_array[i]);
            NativeMemory.Free(_array);
        }
    }
}
