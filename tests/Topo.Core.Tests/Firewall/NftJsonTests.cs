using Topo.Core.Firewall;
using Topo.Core.Tests.Spec;
using Topo.Core.Tests.Support;
using static Topo.Core.Tests.Firewall.FirewallTopologies;

namespace Topo.Core.Tests.Firewall;

public sealed class NftJsonTests
{
    private static string Fixture(string name) => File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "Topo.Core.Tests", "Firewall", "fixtures", name));

    /// <summary>
    /// fixtures/list-table.json and list-table.nft are `nft -j list table inet topo-wp` and `nft list
    /// table inet topo-wp` after `topo apply fixtures/wp.yaml` in a throwaway sandbox (unshare -n -m),
    /// with nft 1.0.6 on Linux 6.18.
    /// </summary>
    private static Ruleset Listed() => NftJson.Parse(Fixture("list-table.json"), "inet", "topo-wp")!;

    private static Ruleset Built() => Build(Fixture("wp.yaml"));

    [Fact]
    public void The_kernel_lists_back_exactly_the_table_the_builder_writes()
    {
        var listed = Listed();
        var built = Built();
        Assert.True(listed.SameTable(built), "the listing differs from the built table:\n" + Golden.Diff(built.ToText(), listed.ToText()));
        Assert.Empty(listed.RequiredSysctls);
    }

    [Fact]
    public void Parsed_kernel_listing_renders_each_rule_as_nft_prints_it()
    {
        var ruleset = Listed();
        // The rule lines: those with a comment inside a chain block.
        var printed = new List<string>();
        var inChain = false;
        foreach (var line in Fixture("list-table.nft").Split('\n').Select(l => l.Trim()))
        {
            if (line.StartsWith("chain ", StringComparison.Ordinal) || line.StartsWith("set ", StringComparison.Ordinal) || line.StartsWith("map ", StringComparison.Ordinal))
                inChain = line.StartsWith("chain ", StringComparison.Ordinal);
            else if (inChain && line.Contains(" comment \"", StringComparison.Ordinal)) printed.Add(line);
        }
        Assert.Equal(printed.Count, ruleset.Rules.Length);
        foreach (var (rule, line) in ruleset.Rules.Zip(printed))
            Assert.Equal(line, $"{rule.Text} comment \"{rule.Comment}\"");
        Assert.Equal(["raw-prerouting", "nat-prerouting", "nat-output", "nat-postrouting", "filter-forward"], ruleset.Chains.Select(c => c.Name));
        Assert.Equal(-300, ruleset.Chains[0].Priority);
    }

    [Fact]
    public void Parsed_elements_carry_their_comment_and_render_as_nft_prints_them()
    {
        var printed = Fixture("list-table.nft");
        var listed = Listed();
        Assert.Equal(Built().Elements.Length, listed.Elements.Length);
        foreach (var e in listed.Elements)
        {
            var line = e.KeyText + " comment " + NftText.Quote(e.Comment) + (e.ValueText is { } v ? " : " + v : "");
            Assert.Contains(line, printed, StringComparison.Ordinal);
        }
        var publish = listed.Elements.Single(e => e.Set == FirewallSets.Publish && e.KeyText == "tcp . 0.0.0.0/0 . 80");
        Assert.Equal("172.17.0.2 . 80", publish.ValueText);
        Assert.Equal("topo:wp:container:web publish 0.0.0.0:80/tcp to web:80", publish.Comment);
        Assert.Equal("""{"concat":["tcp",{"prefix":{"addr":"0.0.0.0","len":0}},80]}""", publish.Key);
    }

    [Fact]
    public void Element_batch_deletes_keys_then_adds_elements_with_comment_and_data()
    {
        var built = Built();
        var publish = built.Elements.First(e => e.Set == FirewallSets.Publish);
        var hairpin = built.Elements.First(e => e.Set == FirewallSets.HairpinSelf);
        var json = NftJson.WriteElements("ip", "topo-wp", [hairpin], [publish, hairpin]);
        const string Element = "{\"family\":\"ip\",\"table\":\"topo-wp\",\"name\":";
        Assert.Equal(
            "{\"nftables\":[" +
            "{\"delete\":{\"element\":" + Element + "\"hairpin-self\",\"elem\":[" + hairpin.Key + "]}}}," +
            "{\"add\":{\"element\":" + Element + "\"publish\",\"elem\":[[{\"elem\":{\"val\":" + publish.Key + ",\"comment\":\"" + publish.Comment + "\"}}," + publish.Value + "]]}}}," +
            "{\"add\":{\"element\":" + Element + "\"hairpin-self\",\"elem\":[{\"elem\":{\"val\":" + hairpin.Key + ",\"comment\":\"" + hairpin.Comment + "\"}}]}}}" +
            "]}",
            json);
    }

    [Fact]
    public void Replace_batch_is_nft_syntax_that_drops_the_old_table_first()
    {
        var text = Built().ToReplaceText();
        Assert.StartsWith("add table inet topo-wp\ndelete table inet topo-wp\ntable inet topo-wp {\n\tset same-bridge {", text);
        Assert.Contains("\tmap publish {\n\t\ttype inet_proto . ipv4_addr . inet_service : ipv4_addr . inet_service\n\t\tflags interval\n", text);
    }

    [Fact]
    public void Delete_batch_never_fails_on_a_missing_table()
    {
        Assert.Equal(
            """{"nftables":[{"add":{"table":{"family":"ip","name":"topo-x"}}},{"delete":{"table":{"family":"ip","name":"topo-x"}}}]}""",
            NftJson.WriteDelete("ip", "topo-x"));
    }

    [Fact]
    public void Parse_returns_null_when_the_table_is_not_listed()
    {
        Assert.Null(NftJson.Parse("""{"nftables":[{"metainfo":{"version":"1.0.6"}}]}""", "ip", "topo-x"));
        Assert.Null(NftJson.Parse("", "ip", "topo-x"));
        Assert.Throws<FormatException>(() => NftJson.Parse("{}", "ip", "topo-x"));
    }

    [Fact]
    public void Canonical_form_sorts_properties_and_keeps_array_order()
    {
        Assert.Equal("""[{"match":{"left":{"meta":{"key":"iifname"}},"op":"==","right":"x"}},{"drop":null}]""",
            NftJson.Canonical("""[ {"match": {"right": "x", "op": "==", "left": {"meta": {"key": "iifname"}}}}, {"drop": null} ]"""));
    }

    [Fact]
    public void Unknown_statements_are_shown_not_dropped()
    {
        Assert.Equal("""tcp dport 22 <{"limit":{"per":"second","rate":5}}> accept""",
            NftText.Render("""[{"match":{"op":"==","left":{"payload":{"protocol":"tcp","field":"dport"}},"right":22}},{"limit":{"rate":5,"per":"second"}},{"accept":null}]"""));
    }
}
