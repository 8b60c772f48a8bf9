using System.Buffers;
using System.Text;
using System.Text.Json;
using Topo.Core.Addressing;

namespace Topo.Core.Firewall;

/// <summary>
/// A set element's key or a map element's data in libnftables JSON, field by field (one field, or
/// a concatenation), in the form <c>nft -j list</c> prints it back: a /32 prefix is a plain
/// address, a one-port range a plain port, object properties in canonical (sorted) order.
/// </summary>
internal sealed class ValueBuilder
{
    private readonly List<Action<Utf8JsonWriter>> _fields = new(3);

    /// <summary>An interface name or pattern (<c>"br-*"</c>).</summary>
    public ValueBuilder Name(string name)
    {
        _fields.Add(w => w.WriteStringValue(name));
        return this;
    }

    /// <summary><c>tcp</c>, <c>udp</c> (type inet_proto).</summary>
    public ValueBuilder Protocol(string protocol) => Name(protocol);

    public ValueBuilder Address(Ipv4Address address) => Name(address.ToString());

    /// <summary><c>10.0.0.0/24</c>; a /32 is the address alone.</summary>
    public ValueBuilder Prefix(Ipv4Prefix prefix)
    {
        if (prefix.Length == 32) return Address(prefix.Network.Address);
        _fields.Add(w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("prefix");
            w.WriteString("addr", prefix.Network.Address.ToString());
            w.WriteNumber("len", prefix.Length);
            w.WriteEndObject();
            w.WriteEndObject();
        });
        return this;
    }

    public ValueBuilder Port(int port)
    {
        _fields.Add(w => w.WriteNumberValue(port));
        return this;
    }

    /// <summary><c>8000-8100</c>; a range of one port is the port.</summary>
    public ValueBuilder Ports(int first, int last)
    {
        if (first == last) return Port(first);
        _fields.Add(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("range");
            w.WriteNumberValue(first);
            w.WriteNumberValue(last);
            w.WriteEndArray();
            w.WriteEndObject();
        });
        return this;
    }

    public string Build()
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var w = new Utf8JsonWriter(buffer))
        {
            if (_fields.Count == 1) _fields[0](w);
            else
            {
                w.WriteStartObject();
                w.WriteStartArray("concat");
                foreach (var f in _fields) f(w);
                w.WriteEndArray();
                w.WriteEndObject();
            }
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
