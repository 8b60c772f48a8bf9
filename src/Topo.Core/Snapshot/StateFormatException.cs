using Topo.Core.Errors;

namespace Topo.Core.Snapshot;

/// <summary>
/// A state snapshot that cannot be read: malformed JSON, an unknown field or version, a value of
/// the wrong shape. <see cref="Exception.Message"/> is complete for a person (position, path, problem).
/// </summary>
public sealed class StateFormatException : TopoException
{
    public StateFormatException(string problem, string path, long line, long column, Exception? inner = null)
        : base($"line {line}, column {column} ({path}): {problem}", inner)
    {
        Problem = problem;
        Path = path;
        Line = line;
        Column = column;
    }

    /// <summary>What is wrong, without the position.</summary>
    public string Problem { get; }

    /// <summary>Where, as a JSON path: <c>$.links[2].mtu</c>.</summary>
    public string Path { get; }

    /// <summary>1-based line of the offending token.</summary>
    public long Line { get; }

    /// <summary>1-based column (in bytes) of the offending token.</summary>
    public long Column { get; }

    public override ErrorCategory Category => ErrorCategory.Input;
}
