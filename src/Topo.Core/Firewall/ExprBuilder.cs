using System.Buffers;
using System.Text.Json;
using Topo.Core.Addressing;

namespace Topo.Core.Firewall;

/// <summary>
/// Builds a rule's libnftables JSON <c>expr</c> array, statement by statement, in the forms
/// <c>nft -j list</c> prints back (so a rule read from the kernel compares equal).
/// </summary>
internal sealed class ExprBuilder
{
    private readonly ArrayBufferWriter<byte> _buffer = new();
    private readonly Utf8JsonWriter _writer;

    public ExprBuilder()
    {
        _writer = new Utf8JsonWriter(_buffer);
        _writer.WriteStartArray();
    }

    /// <summary><c>iifname "br-x"</c>, <c>oifname != "br-x"</c>.</summary>
    public ExprBuilder Meta(string key, string value, bool negate = false)
    {
        Match(negate ? "!=" : "==", w => Single(w, "meta", "key", key), w => w.WriteStringValue(value));
        return this;
    }

    /// <summary><c>oifname { "br-*", "topo0" }</c>: an anonymous set (wildcards allowed).</summary>
    public ExprBuilder MetaIn(string key, IEnumerable<string> values)
    {
        // The kernel returns set elements sorted; write them sorted so they compare equal.
        var sorted = values.Distinct().Order(StringComparer.Ordinal).ToArray();
        if (sorted.Length == 1) return Meta(key, sorted[0]);
        Match("==", w => Single(w, "meta", "key", key), w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("set");
            foreach (var v in sorted) w.WriteStringValue(v);
            w.WriteEndArray();
            w.WriteEndObject();
        });
        return this;
    }

    /// <summary><c>ip daddr 10.0.0.1</c>.</summary>
    public ExprBuilder Address(string field, Ipv4Address address, bool negate = false)
    {
        Match(negate ? "!=" : "==", w => Payload(w, "ip", field), w => w.WriteStringValue(address.ToString()));
        return this;
    }

    /// <summary><c>ip6 daddr != ::1</c>.</summary>
    public ExprBuilder Address(string field, Ipv6Address address, bool negate = false)
    {
        Match(negate ? "!=" : "==", w => Payload(w, "ip6", field), w => w.WriteStringValue(address.ToString()));
        return this;
    }

    /// <summary><c>ip saddr 192.168.1.0/24</c>.</summary>
    public ExprBuilder Prefix(string field, Ipv4Prefix prefix, bool negate = false)
    {
        Match(negate ? "!=" : "==", w => Payload(w, "ip", field), w =>
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

    /// <summary><c>tcp dport 80</c>.</summary>
    public ExprBuilder Port(string protocol, string field, int port)
    {
        Match("==", w => Payload(w, protocol, field), w => w.WriteNumberValue(port));
        return this;
    }

    /// <summary><c>fib daddr type local</c>: the destination is one of this host's addresses.</summary>
    public ExprBuilder DestinationIsLocal()
    {
        Match("==", w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("fib");
            w.WriteStartArray("flags");
            w.WriteStringValue("daddr");
            w.WriteEndArray();
            w.WriteString("result", "type");
            w.WriteEndObject();
            w.WriteEndObject();
        }, w => w.WriteStringValue("local"));
        return this;
    }

    /// <summary><c>ct state established,related</c>.</summary>
    public ExprBuilder CtState(params string[] states)
    {
        Match("in", w => Single(w, "ct", "key", "state"), w =>
        {
            if (states.Length == 1)
            {
                w.WriteStringValue(states[0]);
                return;
            }
            w.WriteStartArray();
            foreach (var s in states) w.WriteStringValue(s);
            w.WriteEndArray();
        });
        return this;
    }

    /// <summary><c>ct status dnat</c> (<c>ct status ! dnat</c>): the connection was (not) destination-NATed on this host.</summary>
    public ExprBuilder CtStatus(string status, bool negate = false)
    {
        // "!" is "flag not set" ((status & flag) == 0). Not "!=": that compares the whole status
        // word with the flag and is true for nearly every connection.
        Match(negate ? "!" : "in", w => Single(w, "ct", "key", "status"), w => w.WriteStringValue(status));
        return this;
    }

    /// <summary>
    /// <c>iifname . oifname @same-bridge</c> (<c>!= @set</c> when negated): the packet's fields,
    /// concatenated when more than one, looked up in a named set of the table.
    /// </summary>
    public ExprBuilder Lookup(string set, params Field[] key) => Lookup(set, negate: false, key);

    public ExprBuilder NotIn(string set, params Field[] key) => Lookup(set, negate: true, key);

    private ExprBuilder Lookup(string set, bool negate, Field[] key)
    {
        Match(negate ? "!=" : "==", w => Fields(w, key), w => w.WriteStringValue("@" + set));
        return this;
    }

    /// <summary>
    /// <c>dnat ip to meta l4proto . ip daddr . th dport map @publish</c>: address (and port, for a
    /// map whose data has one) from a named map. In an inet table the family (ip, ip6) says which
    /// header is rewritten, and nft prints it back always.
    /// </summary>
    public ExprBuilder DnatMap(string family, string map, params Field[] key)
    {
        _writer.WriteStartObject();
        _writer.WriteStartObject("dnat");
        _writer.WriteStartObject("addr");
        _writer.WriteStartObject("map");
        _writer.WriteString("data", "@" + map);
        _writer.WritePropertyName("key");
        Fields(_writer, key);
        _writer.WriteEndObject();
        _writer.WriteEndObject();
        _writer.WriteString("family", family);
        _writer.WriteEndObject();
        _writer.WriteEndObject();
        return this;
    }

    /// <summary>A packet field for lookups: <c>meta iifname</c>, <c>ip daddr</c>, <c>th dport</c>.</summary>
    public readonly record struct Field(string Kind, string Protocol, string Name)
    {
        public static Field Meta(string key) => new("meta", "", key);
        public static Field Payload(string protocol, string field) => new("payload", protocol, field);
    }

    private static void Fields(Utf8JsonWriter w, Field[] key)
    {
        if (key.Length == 1)
        {
            One(w, key[0]);
            return;
        }
        w.WriteStartObject();
        w.WriteStartArray("concat");
        foreach (var f in key) One(w, f);
        w.WriteEndArray();
        w.WriteEndObject();

        static void One(Utf8JsonWriter w, Field f)
        {
            if (f.Kind == "meta") Single(w, "meta", "key", f.Name);
            else Payload(w, f.Protocol, f.Name);
        }
    }

    public ExprBuilder Accept() => Verdict("accept");

    public ExprBuilder Drop() => Verdict("drop");

    public ExprBuilder Masquerade() => Verdict("masquerade");

    /// <summary><c>dnat to 172.17.0.2:80</c>.</summary>
    public ExprBuilder Dnat(Ipv4Address address, int port)
    {
        _writer.WriteStartObject();
        _writer.WriteStartObject("dnat");
        _writer.WriteString("addr", address.ToString());
        _writer.WriteNumber("port", port);
        _writer.WriteEndObject();
        _writer.WriteEndObject();
        return this;
    }

    /// <summary>The expression in canonical JSON (<see cref="NftJson.Canonical(string)"/>).</summary>
    public string Build()
    {
        _writer.WriteEndArray();
        _writer.Flush();
        using var doc = JsonDocument.Parse(_buffer.WrittenMemory);
        return NftJson.Canonical(doc.RootElement);
    }

    private ExprBuilder Verdict(string name)
    {
        _writer.WriteStartObject();
        _writer.WriteNull(name);
        _writer.WriteEndObject();
        return this;
    }

    private void Match(string op, Action<Utf8JsonWriter> left, Action<Utf8JsonWriter> right)
    {
        _writer.WriteStartObject();
        _writer.WriteStartObject("match");
        _writer.WritePropertyName("left");
        left(_writer);
        _writer.WriteString("op", op);
        _writer.WritePropertyName("right");
        right(_writer);
        _writer.WriteEndObject();
        _writer.WriteEndObject();
    }

    private static void Payload(Utf8JsonWriter w, string protocol, string field)
    {
        w.WriteStartObject();
        w.WriteStartObject("payload");
        w.WriteString("field", field);
        w.WriteString("protocol", protocol);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Single(Utf8JsonWriter w, string name, string key, string value)
    {
        w.WriteStartObject();
        w.WriteStartObject(name);
        w.WriteString(key, value);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
