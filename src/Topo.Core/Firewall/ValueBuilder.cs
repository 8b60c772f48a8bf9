using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Topo.Core.Addressing;

namespace Topo.Core.Firewall;

/// <summary>
/// A set element's key or a map element's data in libnftables JSON, field by field (one field, or
/// a concatenation), in the form <c>nft -j list</c> prints it back: a /32 prefix is a plain
/// address, a one-port range a plain port, object properties in canonical (sorted) order.
/// </summary>
public sealed class ValueBuilder
{
    private enum FieldKind { Text, Number, Prefix, Range }

    /// <summary>One field: a string (Text), a number (First), a prefix (Text / First) or a port range (First-Last).</summary>
    private readonly record struct Field(FieldKind Kind, string? Text, int First, int Last);

    private readonly List<Field> _fields = new(3);

    /// <summary>An interface name or pattern (<c>"br-*"</c>).</summary>
    public ValueBuilder Name(string name)
    {
        _fields.Add(new Field(FieldKind.Text, name, 0, 0));
        return this;
    }

    /// <summary><c>tcp</c>, <c>udp</c> (type inet_proto).</summary>
    public ValueBuilder Protocol(string protocol) => Name(protocol);

    public ValueBuilder Address(Ipv4Address address) => Name(address.ToString());

    /// <summary><c>fd00:1::2</c>, in the RFC 5952 form nft prints back.</summary>
    public ValueBuilder Address(Ipv6Address address) => Name(address.ToString());

    /// <summary><c>10.0.0.0/24</c>; a /32 is the address alone.</summary>
    public ValueBuilder Prefix(Ipv4Prefix prefix)
    {
        if (prefix.Length == 32) return Address(prefix.Network.Address);
        _fields.Add(new Field(FieldKind.Prefix, prefix.Network.Address.ToString(), prefix.Length, 0));
        return this;
    }

    /// <summary><c>fd00:1::/64</c>; a /128 is the address alone.</summary>
    public ValueBuilder Prefix(Ipv6Prefix prefix)
    {
        if (prefix.Length == 128) return Address(prefix.Network.Address);
        _fields.Add(new Field(FieldKind.Prefix, prefix.Network.Address.ToString(), prefix.Length, 0));
        return this;
    }

    public ValueBuilder Port(int port)
    {
        _fields.Add(new Field(FieldKind.Number, null, port, 0));
        return this;
    }

    /// <summary><c>8000-8100</c>; a range of one port is the port.</summary>
    public ValueBuilder Ports(int first, int last)
    {
        if (first == last) return Port(first);
        _fields.Add(new Field(FieldKind.Range, null, first, last));
        return this;
    }

    // One writer per thread, reset for each value: a table of 2,000 containers has 6,000 elements,
    // and a writer and buffer apiece were a good part of resolving it.
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    public string Build()
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        var w = t_writer ??= new Utf8JsonWriter(buffer);
        w.Reset(buffer);
        if (_fields.Count == 1) Write(w, _fields[0]);
        else
        {
            w.WriteStartObject();
            w.WriteStartArray("concat");
            foreach (var f in _fields) Write(w, f);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Write(Utf8JsonWriter w, Field f)
    {
        switch (f.Kind)
        {
            case FieldKind.Text:
                w.WriteStringValue(f.Text);
                break;
            case FieldKind.Number:
                w.WriteNumberValue(f.First);
                break;
            case FieldKind.Prefix:
                w.WriteStartObject();
                w.WriteStartObject("prefix");
                w.WriteString("addr", f.Text);
                w.WriteNumber("len", f.First);
                w.WriteEndObject();
                w.WriteEndObject();
                break;
            case FieldKind.Range:
                w.WriteStartObject();
                w.WriteStartArray("range");
                w.WriteNumberValue(f.First);
                w.WriteNumberValue(f.Last);
                w.WriteEndArray();
                w.WriteEndObject();
                break;
        }
    }

    /// <summary>
    /// The value in nft syntax, as <see cref="NftText.RenderValue(string, IReadOnlyList{string})"/>
    /// renders <see cref="Build"/>'s JSON, made from the fields rather than by parsing that JSON again.
    /// </summary>
    public string Text(IReadOnlyList<string> types)
    {
        var text = new StringBuilder(48);
        for (var i = 0; i < _fields.Count; i++)
        {
            if (i > 0) text.Append(" . ");
            var f = _fields[i];
            var type = i < types.Count ? types[i] : "";
            switch (f.Kind)
            {
                case FieldKind.Text:
                    text.Append(type is "ifname" or "string" ? NftText.Quote(f.Text!) : f.Text);
                    break;
                case FieldKind.Number:
                    text.Append(f.First.ToString(CultureInfo.InvariantCulture));
                    break;
                case FieldKind.Prefix:
                    text.Append(f.Text).Append('/').Append(f.First.ToString(CultureInfo.InvariantCulture));
                    break;
                case FieldKind.Range:
                    text.Append(f.First.ToString(CultureInfo.InvariantCulture)).Append('-').Append(f.Last.ToString(CultureInfo.InvariantCulture));
                    break;
            }
        }
        return text.ToString();
    }
}
