using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace Topo.Linux.Execution;

/// <summary>
/// Signal state execve hands on that the .NET runtime changed: the calling thread's signal mask
/// (kept across execve; a command must not start with signals blocked) and SIGPIPE, which the
/// runtime ignores so that a write to a closed pipe is an error instead of death, and which
/// execve keeps ignored (it resets handlers, not SIG_IGN). Without this, a command writing to
/// a pipe whose reader is gone would not die quietly as it does from a shell. The disposition
/// topo itself was started with is not recorded anywhere, so the command gets SIGPIPE's default,
/// what a shell gives its commands. What a failed execve changed is put back.
/// </summary>
internal sealed unsafe class ExecSignals : IDisposable
{
    private sigset_t _mask;
    private sigaction _pipe;

    private ExecSignals()
    {
    }

    public static ExecSignals Prepare()
    {
        var saved = new ExecSignals();
        sigset_t none;
        sigemptyset(&none);
        sigset_t mask;
        pthread_sigmask(SIG_SETMASK, &none, &mask);
        saved._mask = mask;

        sigaction pipe;
        sigaction(SIGPIPE, null, &pipe);
        saved._pipe = pipe;
        if (pipe.sa_handler == SIG_IGN)
        {
            var initial = default(sigaction);
            initial.sa_handler = SIG_DFL;
            sigaction(SIGPIPE, &initial, null);
        }
        return saved;
    }

    public void Dispose()
    {
        var pipe = _pipe;
        sigaction(SIGPIPE, &pipe, null);
        var mask = _mask;
        pthread_sigmask(SIG_SETMASK, &mask, null);
    }
}
