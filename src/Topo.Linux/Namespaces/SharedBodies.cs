namespace Topo.Linux.Namespaces;

/// <summary>
/// The bodies (all but the first line) of the files one apply read, one array per distinct
/// content. One container more on a network of 400 rewrites 400 hosts files whose previous
/// bodies are one and the same text: the journal keeps it once, not 400 fresh 13 KB copies
/// (which the collector would zero and the kernel fault in, most of what writing them cost).
/// </summary>
internal sealed class SharedBodies
{
    /// <summary>Candidates of one length compared in full; a length with more distinct bodies than this keeps copies.</summary>
    private const int CandidatesPerLength = 8;

    private readonly Dictionary<int, List<byte[]>> _byLength = [];

    /// <summary>The head up to and including the first newline (all of it when there is none), and the shared body.</summary>
    public FileBytes Split(ReadOnlySpan<byte> bytes)
    {
        var newline = bytes.IndexOf((byte)'\n');
        var headLength = newline < 0 ? bytes.Length : newline + 1;
        return new FileBytes(bytes[..headLength].ToArray(), Intern(bytes[headLength..]));
    }

    private byte[] Intern(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty) return [];
        if (!_byLength.TryGetValue(body.Length, out var candidates)) _byLength[body.Length] = candidates = [];
        foreach (var candidate in candidates)
            if (body.SequenceEqual(candidate)) return candidate;
        var copy = body.ToArray();
        if (candidates.Count < CandidatesPerLength) candidates.Add(copy);
        return copy;
    }
}
