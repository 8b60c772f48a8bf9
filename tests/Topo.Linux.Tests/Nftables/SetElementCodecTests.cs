using Topo.Core.Firewall;
using Topo.Linux.Netlink.Messages;
using Topo.Linux.Nftables;
using Topo.Linux.Tests.Netlink.Captures;

namespace Topo.Linux.Tests.Nftables;

/// <summary>
/// Our NFT_MSG_GETSETELEM codec against nft itself: byte captures of <c>nft list set</c> (made by
/// Netlink/Captures/capture-setelem.sh from setelem-table.nft) decode to exactly the elements that
/// libnftables' JSON listing of the same table gives, and in a sandbox every set and map of a table
/// topo builds reads back equal both ways.
/// </summary>
public sealed class SetElementCodecTests
{
    private static readonly Ruleset Captured = NftJson.Parse(File.ReadAllText(StraceCapture.PathOf("setelem-table.json")), "inet", "cap")!;

    /// <summary>The messages of a capture's buffers of one netlink type, in order.</summary>
    private static List<byte[]> Messages(string capture, ushort type, bool payloadOnly)
    {
        var found = new List<byte[]>();
        foreach (var buffer in StraceCapture.Buffers(capture))
        {
            var reader = new NetlinkMessageReader(buffer);
            while (reader.MoveNext())
            {
                if (reader.Header.Type == type) found.Add(payloadOnly ? reader.Payload.ToArray() : reader.Message.ToArray());
            }
        }
        return found;
    }

    private const ushort GetSetElement = 10 << 8 | 13;
    private const ushort NewSetElement = 10 << 8 | 12;

    public static TheoryData<string> CapturedSets => ["publish", "publish-range", "published", "hairpin-self", "same-bridge", "publish6", "masquerading6", "verdicts"];

    [Theory]
    [MemberData(nameof(CapturedSets))]
    public void The_request_is_the_dump_nft_sends(string set)
    {
        var sent = Assert.Single(Messages($"setelem-{set}.strace", GetSetElement, payloadOnly: false));
        Assert.Equal(PaddingZeroed(sent), SetElementDump.Request("inet", "cap", set, sequence: 0).Written.ToArray());
    }

    [Theory]
    [MemberData(nameof(CapturedSets))]
    public void The_kernels_answer_decodes_to_what_libnftables_lists(string set)
    {
        var spec = Captured.FindSet(set)!;
        var layout = SetElementLayout.Of(spec);
        var decoded = Messages($"setelem-{set}.strace", NewSetElement, payloadOnly: true)
            .SelectMany(p => SetElementDump.Decode(p, spec, layout)).ToList();
        var listed = Captured.Elements.Where(e => e.Set == set).ToList();
        Assert.NotEmpty(listed);
        Assert.Equal(Sorted(listed), Sorted(decoded));
    }

    [Fact]
    public void Forms_topo_never_writes_are_refused_not_misread()
    {
        var spec = Captured.FindSet("published")!;
        var layout = SetElementLayout.Of(spec);
        byte[] first = [10, 1, 0, 2, 6, 0, 0, 0, 0, 80, 0, 0];
        // 10.1.0.2-10.1.0.5 is no prefix; nft would print a range topo's model has no form for.
        byte[] last = [10, 1, 0, 5, 6, 0, 0, 0, 0, 80, 0, 0];
        Assert.Throws<NetlinkParseException>(() => layout.Key(first, last));
        // 10.1.0.1-10.1.0.2 differs in the last two bits (a /30's shape) but does not start on one.
        Assert.Throws<NetlinkParseException>(() => layout.Key([10, 1, 0, 1, 6, 0, 0, 0, 0, 80, 0, 0], first));
        Assert.Throws<NetlinkParseException>(() => layout.Key(first[..8], first[..8]));
        Assert.Equal("10.1.0.0/30 . tcp . 80", layout.Key([10, 1, 0, 0, 6, 0, 0, 0, 0, 80, 0, 0], [10, 1, 0, 3, 6, 0, 0, 0, 0, 80, 0, 0]).Text(spec.KeyType));
        Assert.Throws<NetlinkParseException>(() => SetElementLayout.Of(spec with { KeyType = ["ether_addr"] }));
    }

    /// <summary>nft leaves whatever was in its buffer in the bytes that pad an attribute to 4; the kernel ignores them, and so does this comparison.</summary>
    private static byte[] PaddingZeroed(byte[] message)
    {
        var copy = (byte[])message.Clone();
        for (var at = 20; at + 4 <= copy.Length;)
        {
            var length = copy[at] | copy[at + 1] << 8;
            var aligned = (length + 3) & ~3;
            copy.AsSpan(at + length, Math.Min(aligned, copy.Length - at) - length).Clear();
            at += aligned;
        }
        return copy;
    }

    private static List<ElementSpec> Sorted(IEnumerable<ElementSpec> elements) => [.. elements.OrderBy(e => e.Key, StringComparer.Ordinal)];

    internal const string Yaml = """
        version: 1
        name: elemtest
        networks:
          front: {subnet: [10.97.1.0/24, "fd00:97::/64"], enable_ipv6: true}
          back: {subnet: 10.97.2.0/24, internal: true}
          quiet: {subnet: 10.97.3.0/24, icc: false, bridge_name: quiet0}
        containers:
          web:
            networks: [front, back]
            ports: ["80:8080", "127.0.0.1:8443:8080", "5353:53/udp", "8000-8100:8000-8100", "9000-9002:7000-7002"]
          api:
            networks: [front]
            ports: ["6000:6000", "6001-6010:6001-6010/udp"]
          box: {networks: [quiet], ports: ["7070:70", "1024-2047:1024-2047"]}
          db: {networks: [back]}
        """;

    [Fact]
    public void Every_set_of_a_table_topo_applied_reads_back_as_libnftables_lists_it()
    {
        Sandbox.Sandbox.SkipUnlessRoot();
        var built = RulesetBuilder.Build(NftablesClientTests.Resolve(Yaml));
        using var sandbox = Sandbox.Sandbox.Create();
        using var nft = new NftablesClient(sandbox.Thread, sandbox.Host);
        nft.Replace(built);
        var listed = nft.ListTableWhole("inet", built.Table)!;
        Assert.True(listed.SameTable(built));
        foreach (var set in listed.Sets)
        {
            var decoded = sandbox.Thread.Run(sandbox.Host, () => SetElementDump.ListHere("inet", built.Table, set));
            Assert.Equal(Sorted(listed.Elements.Where(e => e.Set == set.Name)), Sorted(decoded));
        }
        // The shapes that matter were there: IPv6, a range kept as one element, a prefix key, map data.
        foreach (var set in new[] { FirewallSets.PublishRange, FirewallSets.Publish6, FirewallSets.PublishRange6, FirewallSets.Masquerade6, FirewallSets.Published, FirewallSets.Localnet })
            Assert.Contains(listed.Elements, e => e.Set == set);
    }

    [Fact]
    public void A_table_read_after_a_commit_is_libnftables_terse_listing_with_the_elements_dumped_and_equals_the_whole_listing()
    {
        Sandbox.Sandbox.SkipUnlessRoot();
        var built = RulesetBuilder.Build(NftablesClientTests.Resolve(Yaml));
        using var sandbox = Sandbox.Sandbox.Create();
        using var nft = new NftablesClient(sandbox.Thread, sandbox.Host);
        nft.Replace(built);

        var read = nft.ListTable("inet", built.Table)!;
        var whole = nft.ListTableWhole("inet", built.Table)!;

        Assert.Equal(1, nft.ListedWithElementsDumped);
        Assert.True(read.SameTable(whole));
        Assert.Equal(whole.Chains, read.Chains);
        Assert.Equal(whole.Rules, read.Rules);
        Assert.Equal(whole.Sets, read.Sets);
        Assert.Equal(whole.Elements.OrderBy(e => (e.Set, e.Key)), read.Elements.OrderBy(e => (e.Set, e.Key)));
        Assert.True(read.Elements.Length > 20, $"{read.Elements.Length} elements");
    }
}
