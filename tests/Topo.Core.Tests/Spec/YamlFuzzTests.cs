using System.Text;
using CsCheck;
using Topo.Core.Spec;

namespace Topo.Core.Tests.Spec;

/// <summary>
/// Fuzzing the YAML loader from structure (issue 12, item 7): documents are generated as trees of
/// mappings, lists and scalars with topo's own keys and values (and hostile ones: control
/// characters, path tricks, YAML indicators), anchors and aliases, rendered in block or flow style.
/// Shrinking a failure gives a small tree. Whatever the input, the loader answers with
/// diagnostics, never an exception, never its internal-error path, never an unprintable message.
/// </summary>
public sealed class YamlFuzzTests(ITestOutputHelper output)
{
    internal abstract record Node;
    internal sealed record Scalar(string Text) : Node;
    internal sealed record Map((string Key, Node Value)[] Entries, bool Flow, string? Anchor) : Node;
    internal sealed record Seq(Node[] Items, bool Flow, string? Anchor) : Node;
    internal sealed record Alias(string Name) : Node;

    private static readonly string[] Keys =
    [
        "version", "name", "networks", "containers", "subnet", "gateway", "ip_range", "aux_addresses", "driver", "internal",
        "bridge_name", "parent", "macvlan_mode", "mtu", "dns", "options", "ipv4", "aliases", "ports", "network_mode",
        "gw_priority", "mac_address", "enabled", "ttl", "web", "db", "lan", "bridge", "host", "none", "x", "",
        "a/b", "..", "na\u0000me", "k\u001b[2J", "é", "? q", "- d", "&a", "*a", "!!str", "#c",
    ];

    private static readonly string[] Values =
    [
        "1", "2", "0", "-1", "99999999999999999999", "true", "false", "null", "~", "\"\"", "''", "t", "web", "db", "lan",
        "10.0.0.0/24", "10.0.0.300", "10.0.0.5", "172.17.0.0/16", "80:80", "\"8080-8090:80-90/udp\"", "container:web",
        "macvlan", "bridge", "host", "none", "eth0", "02:42:ac:11:00:02", "1500", "\"a\\0b\"", "\"\\x1b[31m\"",
        "'it''s'", "|\n  text", ">-\n  folded", "!!binary AAAA", "!custom x", "\"\\uD800\"", "[", "{", "}", "]", ":", "- x",
        new string('a', 70), "../../etc/passwd", "\"\\t\"", "%TAG", "---", "...", "@", "`",
    ];

    // By index, so a counterexample shrinks towards the first (plainest) entries.
    private static Gen<string> Pick(string[] from) => Gen.Int[0, from.Length - 1].Select(i => from[i]);

    private static readonly Gen<string?> AnchorGen = Gen.Frequency((6, Gen.Const((string?)null)), (1, Gen.Int[0, 2].Select(i => (string?)$"a{i}")));

    private static Gen<Node> NodeGen(int depth)
    {
        var scalar = Gen.Frequency(
            (8, Pick(Values).Select(v => (Node)new Scalar(v))),
            (1, Gen.Int[0, 2].Select(i => (Node)new Alias($"a{i}"))));
        if (depth == 0) return scalar;
        var child = NodeGen(depth - 1);
        var map = Gen.Select(Gen.Select(Pick(Keys), child).Array[0, 5], Gen.Bool, AnchorGen,
            (entries, flow, anchor) => (Node)new Map(entries, flow, anchor));
        var seq = Gen.Select(child.Array[0, 4], Gen.Bool, AnchorGen, (items, flow, anchor) => (Node)new Seq(items, flow, anchor));
        return Gen.Frequency((3, scalar), (2, map), (1, seq));
    }

    /// <summary>A document: usually a mapping that starts like a topology file, so the readers past the parser run too.</summary>
    internal static readonly Gen<Node> DocumentGen = Gen.Frequency(
        (4, Gen.Select(Gen.Select(Pick(Keys), NodeGen(3)).Array[0, 6], entries =>
            (Node)new Map([("version", new Scalar("1")), ("name", new Scalar("t")), .. entries], false, null))),
        (1, NodeGen(4)));

    internal static string Render(Node node)
    {
        var sb = new StringBuilder();
        Block(node, 0, sb);
        return sb.ToString();
    }

    private static void Block(Node node, int indent, StringBuilder sb)
    {
        var pad = new string(' ', indent);
        switch (node)
        {
            case Map { Flow: false, Entries.Length: > 0 } m:
                if (m.Anchor is not null) sb.Append(pad).Append("x-anchor: &").Append(m.Anchor).Append('\n');
                foreach (var (key, value) in m.Entries)
                {
                    sb.Append(pad).Append(key).Append(':');
                    if (value is Map { Flow: false, Entries.Length: > 0 } or Seq { Flow: false, Items.Length: > 0 })
                    {
                        sb.Append('\n');
                        Block(value, indent + 2, sb);
                    }
                    else
                    {
                        sb.Append(' ');
                        Flow(value, sb);
                        sb.Append('\n');
                    }
                }
                break;
            case Seq { Flow: false, Items.Length: > 0 } s:
                foreach (var item in s.Items)
                {
                    sb.Append(pad).Append("- ");
                    Flow(item, sb);
                    sb.Append('\n');
                }
                break;
            default:
                sb.Append(pad);
                Flow(node, sb);
                sb.Append('\n');
                break;
        }
    }

    private static void Flow(Node node, StringBuilder sb)
    {
        switch (node)
        {
            case Scalar s: sb.Append(s.Text); break;
            case Alias a: sb.Append('*').Append(a.Name); break;
            case Map m:
                if (m.Anchor is not null) sb.Append('&').Append(m.Anchor).Append(' ');
                sb.Append('{');
                for (var i = 0; i < m.Entries.Length; i++)
                {
                    if (i > 0) sb.Append(", ");
                    sb.Append(m.Entries[i].Key).Append(": ");
                    Flow(m.Entries[i].Value, sb);
                }
                sb.Append('}');
                break;
            case Seq q:
                if (q.Anchor is not null) sb.Append('&').Append(q.Anchor).Append(' ');
                sb.Append('[');
                for (var i = 0; i < q.Items.Length; i++)
                {
                    if (i > 0) sb.Append(", ");
                    Flow(q.Items[i], sb);
                }
                sb.Append(']');
                break;
        }
    }

    internal static void Check(string text)
    {
        var result = SpecLoader.Parse(text, "f.yaml");
        Assert.Equal(result.HasErrors, result.File is null);
        var lines = text.Count(c => c == '\n') + 2;
        foreach (var d in result.Diagnostics)
        {
            Assert.False(d.Message.StartsWith("internal error", StringComparison.Ordinal), d.ToString());
            Assert.DoesNotContain(d.Message, c => c < ' ');
            Assert.InRange(d.Span?.Line ?? 1, 1, lines);
        }
        // The same text as bytes, as a file is read: the same verdict.
        Assert.Equal(result.HasErrors, SpecLoader.ParseUtf8(Encoding.UTF8.GetBytes(text), "f.yaml").HasErrors);
    }

    [Fact]
    public void Generated_documents_give_diagnostics_never_exceptions()
    {
        FuzzBudget.Run(output, "yaml loader", 5_000, n => DocumentGen.Sample(doc => Check(Render(doc)), iter: n));
    }

    [Theory]
    // Fixed points of the harness, from the hostile-input work: a lone surrogate escape, an escape sequence in a key.
    [InlineData("version: 1\nname: t\nx: \"\\uD800\"\n")]
    [InlineData("version: 1\nname: t\ncontainers: {\"web\\x1b[31m\": {}}\n")]
    public void Regressions(string text) => Check(text);
}
