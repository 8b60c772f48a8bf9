namespace Topo.Linux.Netlink.Messages;

/// <summary>An attribute kept as it came: its full type (with NLA_F_* bits) and its payload.</summary>
internal readonly record struct RawAttribute(ushort Type, byte[] Value)
{
    public void WriteTo(ref NetlinkWriter writer) => writer.WriteBytes(Type, Value);

    public bool Equals(RawAttribute other) => Type == other.Type && Value.AsSpan().SequenceEqual(other.Value);

    public override int GetHashCode() => HashCode.Combine(Type, Value.Length);
}
