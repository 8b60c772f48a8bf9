namespace Topo.Cli;

/// <summary>Every exit status topo uses, in one place (Terraform's meanings for plan).</summary>
internal static class ExitCodes
{
    /// <summary>Done; for <c>plan --detailed-exitcode</c>: no changes.</summary>
    public const int Success = 0;
    /// <summary>A bad file, a conflict, a kernel error: nothing (more) was changed.</summary>
    public const int Error = 1;
    /// <summary><c>plan --detailed-exitcode</c>: the plan has changes.</summary>
    public const int Changes = 2;
    /// <summary><c>exec</c>: the command was found but cannot be run (a shell's 126).</summary>
    public const int CommandNotExecutable = 126;
    /// <summary><c>exec</c>: the command was not found (a shell's 127).</summary>
    public const int CommandNotFound = 127;
}
