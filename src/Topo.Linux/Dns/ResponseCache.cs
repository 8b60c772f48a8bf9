using System.Collections.Concurrent;

namespace Topo.Linux.Dns;

/// <summary>
/// Encoded UDP replies of one <see cref="AnswerBook"/>, by the query's bytes after its id (flags,
/// question as the client spelled it, OPT record): a query seen before is answered by copying the
/// reply ARSoft encoded the first time and writing the query's id over it — no parse, no encode.
/// Only answers from the view are kept (they change only with the book, which starts a new cache).
/// Bounded: when full it starts over, so random names cannot grow it.
/// </summary>
internal sealed class ResponseCache
{
    /// <summary>Entries per book before it starts over: every name × type × spelling a busy namespace asks, with room.</summary>
    public const int Capacity = 4096;

    private readonly ConcurrentDictionary<byte[], CachedReply> _entries = new(ByteKeys.Instance);
    private readonly ConcurrentDictionary<byte[], CachedReply>.AlternateLookup<ReadOnlySpan<byte>> _lookup;
    private int _count;

    public ResponseCache() => _lookup = _entries.GetAlternateLookup<ReadOnlySpan<byte>>();

    public int Count => Volatile.Read(ref _count);

    /// <param name="key">The query without its 2-byte id.</param>
    public bool TryGet(ReadOnlySpan<byte> key, out CachedReply reply) => _lookup.TryGetValue(key, out reply!);

    public void Add(ReadOnlySpan<byte> key, CachedReply reply)
    {
        if (Interlocked.Increment(ref _count) > Capacity)
        {
            _entries.Clear();
            Volatile.Write(ref _count, 1);
        }
        _entries.TryAdd(key.ToArray(), reply);
    }

    private sealed class ByteKeys : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly ByteKeys Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => GetHashCode((ReadOnlySpan<byte>)obj);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        // HashCode is seeded per process: a client cannot aim its queries at one bucket.
        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var hash = new HashCode();
            hash.AddBytes(alternate);
            return hash.ToHashCode();
        }

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }
}

/// <summary>
/// A cached answer: one encoded reply per rotation of the name's addresses. A single reply is
/// encoded at once and the parsed query let go (what an entry costs, ~200 bytes, bounds the cache
/// a client filling it with names of its own subnet can grow); rotations are encoded on first use.
/// </summary>
internal sealed class CachedReply
{
    private readonly LocalAnswer _answer;
    private readonly byte[]?[] _rotations;
    private Func<int, byte[]>? _encode;

    public CachedReply(LocalAnswer answer, Func<int, byte[]> encode)
    {
        _answer = answer;
        _rotations = new byte[answer.Rotations][];
        if (_rotations.Length == 1) _rotations[0] = encode(0);
        else _encode = encode;
    }

    /// <summary>The next reply (round robin). Its id is the first query's: the caller writes the asker's over it.</summary>
    public byte[] Next()
    {
        if (_encode is not { } encode) return _rotations[0]!;
        var rotation = _answer.NextRotation();
        return _rotations[rotation] ??= encode(rotation);
    }
}
