namespace Topo.Linux.Netlink.Messages;

/// <summary>An attribute kept as it came: its full type (with NLA_F_* bits) and its payload.</summary>
internal readonly record struct RawAttribute(ushort Type, byte[] Value)
{
    public void WriteTo(ref NetlinkWriter writer) => writer.WriteBytes(Type, Value);

    public bool Equals(RawAttribute other) => Type == other.Type && Value.AsSpan().SequenceEqual(other.Value);

    public override int GetHashCode() => HashCode.Combine(Type, Value.Length);

    /// <summary>Every attribute of a nest, as it came (what a driver keeps of a kind it does not model).</summary>
    public static List<RawAttribute> ReadAll(ReadOnlySpan<byte> nest)
    {
        var list = new List<RawAttribute>();
        var reader = new AttributeReader(nest);
        while (reader.MoveNext()) list.Add(reader.Raw());
        return list;
    }

    public static void WriteAll(ref NetlinkWriter writer, IReadOnlyList<RawAttribute> attributes)
    {
        foreach (var a in attributes) a.WriteTo(ref writer);
    }
}
