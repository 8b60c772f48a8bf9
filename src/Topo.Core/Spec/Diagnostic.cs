namespace Topo.Core.Spec;

public enum Severity { Error, Warning }

/// <summary>One problem, printed as <c>file:line:column: message</c> when it has a place in a file.</summary>
public sealed record Diagnostic(Severity Severity, SourceSpan? Span, string Message)
{
    public static Diagnostic Error(SourceSpan? span, string message) => new(Severity.Error, span, message);

    public static Diagnostic Warning(SourceSpan? span, string message) => new(Severity.Warning, span, message);

    public override string ToString()
    {
        var level = Severity == Severity.Error ? "error" : "warning";
        return Span is { } s ? $"{s}: {level}: {Message}" : $"{level}: {Message}";
    }
}
