using System.Buffers.Binary;
using Topo.Core.Firewall;
using Topo.Linux.Netlink.Constants;
using Topo.Linux.Netlink.Messages;
using Topo.Linux.Netlink.Transport;

namespace Topo.Linux.Nftables;

/// <summary>
/// The elements of one named set or map, from an NFT_MSG_GETSETELEM dump on our own netlink
/// socket, decoded into the <see cref="ElementSpec"/>s that <see cref="NftJson.Parse(ReadOnlyMemory{byte}, string, string)"/>
/// makes of libnftables' listing. libnftables prints a table's 6,000 elements as JSON in 220–290 ms
/// of CPU and cannot list a set alone without its own cache of the table; this reads one set in a
/// few milliseconds (docs/scale.md). Forms topo's sets never hold (a wildcard name, an address range
/// that is not a prefix, a single-field interval's end marker) are refused with
/// <see cref="NetlinkParseException"/>, and the caller reads the table through libnftables instead.
/// </summary>
internal static class SetElementDump
{
    // include/uapi/linux/netfilter/nf_tables.h
    private const ushort MessageNewSetElement = 12; // NFT_MSG_NEWSETELEM (what a dump answers with)
    private const ushort MessageGetSetElement = 13; // NFT_MSG_GETSETELEM
    private const ushort ListTable = 1;             // NFTA_SET_ELEM_LIST_TABLE
    private const ushort ListSet = 2;               // NFTA_SET_ELEM_LIST_SET
    private const ushort ListElements = 3;          // NFTA_SET_ELEM_LIST_ELEMENTS (nested: NFTA_LIST_ELEM each)
    private const ushort ListElement = 1;           // NFTA_LIST_ELEM
    private const ushort ElementKey = 1;            // NFTA_SET_ELEM_KEY (nested NFTA_DATA_VALUE)
    private const ushort ElementData = 2;           // NFTA_SET_ELEM_DATA (nested NFTA_DATA_VALUE or NFTA_DATA_VERDICT)
    private const ushort ElementFlags = 3;          // NFTA_SET_ELEM_FLAGS, u32 big endian
    private const ushort ElementUserData = 6;       // NFTA_SET_ELEM_USERDATA: libnftnl's TLVs (the comment)
    private const ushort ElementKeyEnd = 10;        // NFTA_SET_ELEM_KEY_END: a concatenated interval's last key
    private const ushort DataValue = 1;             // NFTA_DATA_VALUE
    private const ushort DataVerdict = 2;           // NFTA_DATA_VERDICT (nested)
    private const ushort VerdictCode = 1;           // NFTA_VERDICT_CODE, s32 big endian
    private const ushort VerdictChain = 2;          // NFTA_VERDICT_CHAIN
    private const uint FlagIntervalEnd = 1;         // NFT_SET_ELEM_INTERVAL_END
    private const uint FlagCatchAll = 2;            // NFT_SET_ELEM_CATCHALL
    private const byte UserDataComment = 0;         // NFTNL_UDATA_SET_ELEM_COMMENT (libnftnl's udata.h)

    /// <summary>Dumps the elements of <paramref name="set"/> in the calling thread's network namespace.</summary>
    public static List<ElementSpec> ListHere(string family, string table, SetSpec set)
    {
        var layout = SetElementLayout.Of(set);
        using var socket = NetlinkSocket.Open(NetlinkProtocol.Netfilter);
        var batches = socket.Dump(Request(family, table, set.Name, sequence: 0), $"list the elements of set {family} {table} {set.Name}",
            NftablesDump.Type(MessageNewSetElement), payload => Decode(payload, set, layout));
        return batches.Count == 1 ? batches[0] : [.. batches.SelectMany(b => b)];
    }

    /// <summary>The dump request, attributes in the order nft sends them (set, then table).</summary>
    internal static MessageBuffer Request(string family, string table, string set, uint sequence)
    {
        var buffer = new MessageBuffer(128);
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(NftablesDump.Type(MessageGetSetElement), NetlinkFlags.Request | NetlinkFlags.Dump, sequence);
        var header = w.FixedHeader(4);
        header[0] = NftablesDump.FamilyNumber(family);
        w.WriteString(ListSet, set);
        w.WriteString(ListTable, table);
        w.EndMessage();
        return buffer;
    }

    /// <summary>The elements of one NFT_MSG_NEWSETELEM (a dump ends with one that has none).</summary>
    internal static List<ElementSpec> Decode(ReadOnlySpan<byte> payload, SetSpec set, SetElementLayout layout)
    {
        NftablesDump.Family(payload, "set element", out var attributes);
        var elements = new List<ElementSpec>();
        var reader = new AttributeReader(attributes);
        while (reader.MoveNext())
        {
            if (reader.Type != ListElements) continue;
            var list = new AttributeReader(reader.Value);
            while (list.MoveNext())
            {
                if (list.Type == ListElement) elements.Add(DecodeElement(list.Value, set, layout));
            }
        }
        return elements;
    }

    private static ElementSpec DecodeElement(ReadOnlySpan<byte> nest, SetSpec set, SetElementLayout layout)
    {
        ReadOnlySpan<byte> key = default, keyEnd = default, data = default, verdict = default;
        var hasKey = false;
        string comment = "";
        var reader = new AttributeReader(nest);
        while (reader.MoveNext())
        {
            switch (reader.Type)
            {
                case ElementKey: key = Value(reader.Value, "key"); hasKey = true; break;
                case ElementKeyEnd: keyEnd = Value(reader.Value, "key end"); break;
                case ElementData:
                    var inner = new AttributeReader(reader.Value);
                    while (inner.MoveNext())
                    {
                        if (inner.Type == DataValue) data = inner.Value;
                        else if (inner.Type == DataVerdict) verdict = inner.Value;
                    }
                    break;
                case ElementFlags:
                    var flags = BinaryPrimitives.ReadUInt32BigEndian(reader.Fixed(sizeof(uint)));
                    if ((flags & FlagIntervalEnd) != 0) throw Unsupported(set, "an interval's end element (a single-field interval set)");
                    if ((flags & FlagCatchAll) != 0) throw Unsupported(set, "a catch-all element");
                    break;
                case ElementUserData: comment = Comment(reader.Value) ?? ""; break;
            }
        }
        if (!hasKey) throw Unsupported(set, "an element without a key");
        var keyBuilder = layout.Key(key, keyEnd.IsEmpty ? key : keyEnd);
        string? valueJson = null, valueText = null;
        if (set.IsMap)
        {
            if (!verdict.IsEmpty) (valueJson, valueText) = Verdict(verdict, set);
            else if (!data.IsEmpty)
            {
                var valueBuilder = layout.Data(data);
                (valueJson, valueText) = (valueBuilder.Build(), valueBuilder.Text(set.DataType));
            }
            else throw Unsupported(set, "a map element without data");
        }
        return new ElementSpec(set.Name, keyBuilder.Build(), keyBuilder.Text(set.KeyType), valueJson, valueText, comment);
    }

    /// <summary>The bytes of an NFTA_DATA_VALUE inside a key attribute.</summary>
    private static ReadOnlySpan<byte> Value(ReadOnlySpan<byte> nest, string what)
    {
        var reader = new AttributeReader(nest);
        while (reader.MoveNext())
        {
            if (reader.Type == DataValue) return reader.Value;
        }
        throw new NetlinkParseException($"nftables element {what} without NFTA_DATA_VALUE");
    }

    /// <summary>A verdict as libnftables JSON (<c>{"accept":null}</c>, <c>{"jump":{"target":"c"}}</c>) and its text as plans render it.</summary>
    private static (string Json, string Text) Verdict(ReadOnlySpan<byte> nest, SetSpec set)
    {
        int? code = null;
        string? chain = null;
        var reader = new AttributeReader(nest);
        while (reader.MoveNext())
        {
            if (reader.Type == VerdictCode) code = BinaryPrimitives.ReadInt32BigEndian(reader.Fixed(sizeof(int)));
            else if (reader.Type == VerdictChain) chain = reader.String();
        }
        // include/uapi/linux/netfilter.h (NF_DROP, NF_ACCEPT) and nf_tables.h (enum nft_verdicts)
        var name = code switch
        {
            0 => "drop",
            1 => "accept",
            -1 => "continue",
            -2 => "break",
            -3 => "jump",
            -4 => "goto",
            -5 => "return",
            _ => throw Unsupported(set, $"verdict code {code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"}"),
        };
        string json;
        if (name is "jump" or "goto")
        {
            if (chain is null) throw Unsupported(set, $"a {name} without a chain");
            json = $"{{\"{name}\":{{\"target\":\"{System.Text.Json.JsonEncodedText.Encode(chain, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping)}\"}}}}";
        }
        else json = $"{{\"{name}\":null}}";
        return (json, NftText.RenderValue(json, set.DataType));
    }

    /// <summary>The comment among libnftnl's user-data TLVs (type, length, value; the value ends in NUL).</summary>
    internal static string? Comment(ReadOnlySpan<byte> userData)
    {
        while (userData.Length >= 2)
        {
            var (type, length) = (userData[0], userData[1]);
            if (2 + length > userData.Length) throw new NetlinkParseException($"set element user data: a TLV of {length} bytes with {userData.Length - 2} left");
            var value = userData.Slice(2, length);
            if (type == UserDataComment)
            {
                var nul = value.IndexOf((byte)0);
                return System.Text.Encoding.UTF8.GetString(nul >= 0 ? value[..nul] : value);
            }
            userData = userData[(2 + length)..];
        }
        return null;
    }

    internal static NetlinkParseException Unsupported(SetSpec set, string what) =>
        new($"set {set.Name}: {what}, which topo's reader of set elements does not render");
}
