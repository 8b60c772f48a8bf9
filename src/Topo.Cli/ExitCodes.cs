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
}
