using System.Text;
using Topo.Core.Json;
using Topo.Core.Model;

namespace Topo.Core.Snapshot;

/// <summary>
/// The documented snapshot of a host's network state (docs/state-json.md): what <c>topo state</c>
/// prints and <c>topo plan --state FILE</c> reads in place of the kernel.
/// </summary>
public static class StateJson
{
    public const string Format = "topo-state";

    /// <summary>Bump on any incompatible change; additive fields keep it.</summary>
    public const int Version = 1;

    /// <summary>Deterministic text: sorted by namespace then name, 2-space indent, LF, final newline.</summary>
    public static string Write(HostState state) => JsonOutput.Write(w => StateJsonWriter.Write(w, state));

    /// <summary>The same text written to <paramref name="output"/> as it is made (29 MB at 2,000 containers).</summary>
    public static void Write(HostState state, TextWriter output) => JsonOutput.Write(output, w => StateJsonWriter.Write(w, state));

    /// <exception cref="StateFormatException">The text is not a valid version-1 snapshot.</exception>
    public static HostState Read(string json) => Read(Encoding.UTF8.GetBytes(json));

    /// <exception cref="StateFormatException">The bytes are not a valid version-1 snapshot.</exception>
    public static HostState Read(ReadOnlySpan<byte> utf8)
    {
        // A leading BOM is legal in files written by some editors.
        if (utf8.StartsWith("\uFEFF"u8)) utf8 = utf8[3..];
        new StateJsonReader(utf8).CheckHeader();
        return new StateJsonReader(utf8).ReadDocument();
    }
}
