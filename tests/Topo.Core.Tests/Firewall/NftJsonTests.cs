using Topo.Core.Addressing;
using System.Text.Json;
using Topo.Core.Firewall;
using Topo.Core.Tests.Spec;
using static Topo.Core.Tests.Firewall.FirewallTopologies;

namespace Topo.Core.Tests.Firewall;

public sealed class NftJsonTests
{
    private static string Fixture(string name) => File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "Topo.Core.Tests", "Firewall", "fixtures", name));

    private const string Wordpressish = """
        version: 1
        name: wp
        networks:
          internal: {subnet: 192.168.1.0/24, internal: true}
          quiet: {subnet: 192.168.2.0/24, icc: false}
        containers:
          db: {networks: [internal]}
          web:
            networks: [internal, bridge]
            ports: ["80:80", "127.0.0.1:8443:443", "53:53/udp"]
          box: {networks: [quiet]}
        """;

    /// <summary>
    /// fixtures/list-table.json and list-table.nft are `nft -j list table` and `nft list table`
    /// of fixtures/source.nft, loaded with nft 1.0.6 into a throwaway namespace (unshare -n).
    /// </summary>
    [Fact]
    public void Parsed_kernel_listing_renders_each_rule_as_nft_prints_it()
    {
        var ruleset = NftJson.Parse(Fixture("list-table.json"), "ip", "topo-demo");
        Assert.NotNull(ruleset);
        var printed = Fixture("list-table.nft").Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Contains(" comment \"", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(printed.Count, ruleset.Rules.Length);
        foreach (var (rule, line) in ruleset.Rules.Zip(printed))
            Assert.Equal(line, $"{rule.Text} comment \"{rule.Comment}\"");
        Assert.Equal(["raw-prerouting", "nat-prerouting", "nat-output", "nat-postrouting", "filter-forward"], ruleset.Chains.Select(c => c.Name));
        Assert.Equal(-300, ruleset.Chains[0].Priority);
    }

    [Fact]
    public void Builder_writes_expressions_in_the_form_the_kernel_lists_them()
    {
        // The same rules as fixtures/source.nft, made with the builder: canonical JSON must be equal.
        var listed = NftJson.Parse(Fixture("list-table.json"), "ip", "topo-demo")!;
        Assert.Equal(listed.Rule("guard loopback from network x").Expression,
            new ExprBuilder().Meta("iifname", "br-x").Prefix("daddr", Ipv4Prefix.Parse("127.0.0.0/8")).Drop().Build());
        Assert.Equal(listed.Rule("publish 0.0.0.0:80/tcp to wordpress:80").Expression,
            new ExprBuilder().DestinationIsLocal().Port("tcp", "dport", 80).Dnat(Ipv4Address.Parse("172.17.0.2"), 80).Build());
        Assert.Equal(listed.Rule("hairpin network x").Expression,
            new ExprBuilder().Meta("iifname", "br-x").Meta("oifname", "br-x").CtStatus("dnat").Masquerade().Build());
        Assert.Equal(listed.Rule("est").Expression, new ExprBuilder().CtState("established", "related").Accept().Build());
        Assert.Equal(listed.Rule("isolate").Expression,
            new ExprBuilder().Meta("iifname", "br-x").MetaIn("oifname", ["topo0", "br-*", "bridge2"]).Meta("oifname", "br-x", negate: true).Drop().Build());
        Assert.Equal(listed.Rule("allow").Expression,
            new ExprBuilder().Meta("oifname", "br-x").Address("daddr", Ipv4Address.Parse("172.17.0.2"))
                .Port("tcp", "dport", 80).CtStatus("dnat").Accept().Build());
    }

    [Fact]
    public void Replace_batch_adds_deletes_and_recreates_the_table_then_chains_and_rules_in_order()
    {
        var ruleset = Build(Wordpressish);
        using var doc = JsonDocument.Parse(NftJson.WriteReplace(ruleset));
        var commands = doc.RootElement.GetProperty("nftables").EnumerateArray().ToList();
        string Describe(JsonElement c)
        {
            var verb = c.EnumerateObject().Single();
            var obj = verb.Value.EnumerateObject().Single();
            return $"{verb.Name} {obj.Name}";
        }
        Assert.Equal(["add table", "delete table", "add table"], commands.Take(3).Select(Describe));
        Assert.All(commands.Skip(3).Take(ruleset.Chains.Length), c => Assert.Equal("add chain", Describe(c)));
        var rules = commands.Skip(3 + ruleset.Chains.Length).ToList();
        Assert.Equal(ruleset.Rules.Length, rules.Count);
        var first = rules[0].GetProperty("add").GetProperty("rule");
        Assert.Equal("topo-wp", first.GetProperty("table").GetString());
        Assert.Equal(ruleset.Rules[0].Comment, first.GetProperty("comment").GetString());
        Assert.Equal(ruleset.Rules[0].Expression, NftJson.Canonical(first.GetProperty("expr")));
    }

    [Fact]
    public void Replace_batch_parsed_as_a_listing_gives_the_ruleset_back()
    {
        // `nft -j list` has the same table/chain/rule objects as the batch, without the verbs.
        var ruleset = Build(Wordpressish);
        using var doc = JsonDocument.Parse(NftJson.WriteReplace(ruleset));
        var listing = "{\"nftables\":[" + string.Join(",", doc.RootElement.GetProperty("nftables").EnumerateArray().Skip(2)
            .Select(c => c.EnumerateObject().Single().Value.GetRawText())) + "]}";
        var parsed = NftJson.Parse(listing, "ip", "topo-wp");
        Assert.NotNull(parsed);
        Assert.True(parsed.SameTable(ruleset));
        Assert.Empty(parsed.RequiredSysctls);
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
