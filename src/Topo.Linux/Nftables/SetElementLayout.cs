using System.Collections.Immutable;
using System.Text;
using Topo.Core.Addressing;
using Topo.Core.Firewall;
using Topo.Linux.Netlink.Messages;

namespace Topo.Linux.Nftables;

/// <summary>
/// Where each field of a set's key (and a map's data) sits in the kernel's bytes, by nft datatype:
/// concatenated fields are each padded to 4 bytes (NFT_REG32_SIZE), addresses and ports in network
/// order. Fields are rendered as libnftables lists them, through the <see cref="ValueBuilder"/> the
/// desired state is written with: a key equal to its interval end is the value, an address interval
/// that is a prefix is the prefix, a port interval the range.
/// </summary>
internal sealed class SetElementLayout
{
    private enum FieldType { Name, Ipv4, Ipv6, Protocol, Service }

    private readonly record struct Field(FieldType Type, int Size);

    private readonly ImmutableArray<Field> _key;
    private readonly ImmutableArray<Field> _data;
    private readonly string _set;

    private SetElementLayout(string set, ImmutableArray<Field> key, ImmutableArray<Field> data) => (_set, _key, _data) = (set, key, data);

    /// <summary>The layout of a set whose types this reader knows; <see cref="NetlinkParseException"/> for another.</summary>
    public static SetElementLayout Of(SetSpec set) =>
        new(set.Name, Fields(set, set.KeyType), set.IsMap && !(set.DataType is ["verdict"]) ? Fields(set, set.DataType) : []);

    private static ImmutableArray<Field> Fields(SetSpec set, ImmutableArray<string> types) => [.. types.Select(type => type switch
    {
        "ifname" => new Field(FieldType.Name, 16),       // IFNAMSIZ, NUL-padded
        "ipv4_addr" => new Field(FieldType.Ipv4, 4),
        "ipv6_addr" => new Field(FieldType.Ipv6, 16),
        "inet_proto" => new Field(FieldType.Protocol, 1),
        "inet_service" => new Field(FieldType.Service, 2),
        _ => throw SetElementDump.Unsupported(set, $"the type {type}"),
    })];

    /// <summary>A key (<paramref name="last"/> is the interval's end, or the key itself).</summary>
    public ValueBuilder Key(ReadOnlySpan<byte> first, ReadOnlySpan<byte> last) => Render(_key, first, last, "key");

    public ValueBuilder Data(ReadOnlySpan<byte> data) => Render(_data, data, data, "data");

    private ValueBuilder Render(ImmutableArray<Field> fields, ReadOnlySpan<byte> first, ReadOnlySpan<byte> last, string what)
    {
        var expected = 0;
        foreach (var f in fields) expected += Padded(f.Size);
        if (first.Length != expected || last.Length != expected)
            throw new NetlinkParseException($"set {_set}: a {what} of {first.Length} bytes (end {last.Length}) where its type takes {expected}");
        var builder = new ValueBuilder();
        var offset = 0;
        foreach (var f in fields)
        {
            var a = first.Slice(offset, f.Size);
            var b = last.Slice(offset, f.Size);
            offset += Padded(f.Size);
            switch (f.Type)
            {
                case FieldType.Name:
                    if (!a.SequenceEqual(b)) throw Unsupported("an interface name range (a wildcard)");
                    var nul = a.IndexOf((byte)0);
                    builder.Name(Encoding.UTF8.GetString(nul >= 0 ? a[..nul] : a));
                    break;
                case FieldType.Protocol:
                    if (a[0] != b[0]) throw Unsupported("a protocol range");
                    builder.Protocol(a[0] switch { 6 => "tcp", 17 => "udp", _ => throw Unsupported($"protocol {a[0]}") });
                    break;
                case FieldType.Service:
                    builder.Ports((a[0] << 8) | a[1], (b[0] << 8) | b[1]);
                    break;
                case FieldType.Ipv4:
                    var (lo4, hi4) = (Ipv4Address.FromBytes(a), Ipv4Address.FromBytes(b));
                    var length4 = PrefixLength(lo4.Value ^ hi4.Value, 32) ?? throw Unsupported("an address range that is not a prefix");
                    if (!new Ipv4Prefix(lo4, length4).IsNetwork) throw Unsupported("an address range that is not a prefix");
                    builder.Prefix(new Ipv4Prefix(lo4, length4));
                    break;
                case FieldType.Ipv6:
                    var (lo6, hi6) = (Ipv6Address.FromBytes(a), Ipv6Address.FromBytes(b));
                    var length6 = PrefixLength(lo6.Value ^ hi6.Value, 128) ?? throw Unsupported("an address range that is not a prefix");
                    if (!new Ipv6Prefix(lo6, length6).IsNetwork) throw Unsupported("an address range that is not a prefix");
                    builder.Prefix(new Ipv6Prefix(lo6, length6));
                    break;
            }
        }
        return builder;
    }

    /// <summary>The prefix length of a range whose first and last addresses differ in exactly the low bits <paramref name="differ"/>; null otherwise.</summary>
    private static int? PrefixLength(UInt128 differ, int bits)
    {
        // first ^ last must be 0…01…1 (the host part); whether first's host part is zero is the caller's check.
        if ((differ & (differ + 1)) != 0) return null;
        return bits - (differ == 0 ? 0 : 128 - (int)UInt128.LeadingZeroCount(differ));
    }

    private static int Padded(int size) => (size + 3) & ~3;

    private NetlinkParseException Unsupported(string what) => new($"set {_set}: {what}, which topo's reader of set elements does not render");
}
