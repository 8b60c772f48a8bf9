using Topo.Core.Model;

namespace Topo.Core.Host;

/// <summary>
/// What <c>topo exec</c> asks of the host: become a command inside named namespace
/// <see cref="Namespace"/> with its /etc files in place (as <c>ip netns exec</c>), or, when null,
/// right here (host mode).
/// </summary>
public sealed record ExecRequest(string? Namespace, IReadOnlyList<string> Command)
{
    /// <summary>
    /// Judges the namespace by the label on its <c>lo</c> (null: none), read from inside it just
    /// before anything else is done there: a message refuses it, null lets the command run.
    /// </summary>
    public Func<Label?, string?>? VetOwner { get; init; }

    /// <summary>Told of what did not stop the command but went wrong (a file of /etc/netns/NAME that could not be put in place).</summary>
    public Action<string>? Warn { get; init; }
}

public enum ExecFailureKind
{
    /// <summary>No namespace under that name (nothing applied yet).</summary>
    NoNamespace,
    /// <summary><see cref="ExecRequest.VetOwner"/> said no; the detail is its message.</summary>
    Refused,
    /// <summary>The command is nowhere on PATH, or its path does not exist (a shell's 127).</summary>
    NotFound,
    /// <summary>The command exists but cannot be run: permission, a directory, a bad binary (a shell's 126).</summary>
    NotExecutable,
}

/// <summary>Why the process did not become the command (the only way an exec returns).</summary>
public sealed record ExecFailure(ExecFailureKind Kind, string Detail);
