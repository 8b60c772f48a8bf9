using Topo.Core.Planning;

namespace Topo.Core.Rendering;

/// <summary>Raw ANSI SGR sequences: Core must not depend on a console library.</summary>
internal static class Ansi
{
    public const string Reset = "\u001b[0m";
    public const string Bold = "\u001b[1m";
    public const string Dim = "\u001b[2m";
    public const string Red = "\u001b[31m";
    public const string Green = "\u001b[32m";
    public const string Yellow = "\u001b[33m";
    public const string Magenta = "\u001b[35m";

    public static string Of(ActionKind kind) => kind switch
    {
        ActionKind.Create => Green,
        ActionKind.Update => Yellow,
        ActionKind.Replace => Magenta,
        ActionKind.Delete => Red,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
